package io.fjord.cli;

import io.fjord.common.Time;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Builds {@link Fjord}'s picocli command tree. Kept out of the main class: the JVM links the main class before
 * {@code main} runs, and checking this wiring's types then loaded picocli (whose classes the class-data sharing
 * archive cannot hold) from its jar after opening every jar before it on the class path, about 25 ms of each
 * {@code fjord start} (wall-clock profile), which never uses picocli.
 */
final class CommandTree {

    /**
     * The subcommands, in usage order. They are added by {@link #commandLine} rather than listed in the
     * annotation so that a run of one subcommand reflects over that one only: picocli builds a command's model
     * by reflection when it is added, and its classes (compiled for Java 5) cannot be kept in a class-data
     * sharing archive, so modelling the whole tree cost {@code fjord start} about 100 ms of its start-up.
     */
    static final List<Class<?>> SUBCOMMANDS = List.of(
            StartCommand.class,
            TopicCommand.class,
            ProduceCommand.class,
            ConsumeCommand.class,
            GroupCommand.class,
            ClusterCommand.class);

    static final String COMPLETION = "completion";

    /** The command tree wired to the given launcher and process; tests pass fakes. */
    static CommandLine commandLine(
            BrokerLauncher launcher, ProcessControl process, Time time, PrintWriter out, PrintWriter err) {
        return commandLine(launcher, process, time, out, err, null);
    }

    /**
     * The command tree with only the subcommand named {@code only} when it names one (the first argument: a run
     * parses nothing else), else the whole tree (usage, {@code --brokers} before the subcommand, a typo).
     */
    static CommandLine commandLine(
            BrokerLauncher launcher, ProcessControl process, Time time, PrintWriter out, PrintWriter err, String only) {
        CommandLine.IFactory defaults = CommandLine.defaultFactory();
        CommandLine.IFactory factory = new CommandLine.IFactory() {
            @Override
            public <K> K create(Class<K> cls) throws Exception {
                if (cls == StartCommand.class) {
                    return cls.cast(new StartCommand(launcher, process, time));
                }
                if (cls == ClusterUpCommand.class) {
                    return cls.cast(new ClusterUpCommand(process, time));
                }
                return defaults.create(cls);
            }
        };
        CommandLine cl = new CommandLine(new Fjord(), factory);
        boolean known = COMPLETION.equals(only)
                || SUBCOMMANDS.stream().anyMatch(c -> commandName(c).equals(only));
        for (Class<?> subcommand : SUBCOMMANDS) {
            String name = commandName(subcommand);
            if (!known || name.equals(only)) {
                cl.addSubcommand(name, subcommand);
            }
        }
        if (!known || COMPLETION.equals(only)) {
            addCompletion(cl);
        }
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setOverwrittenOptionsAllowed(true); // FJORD_BROKERS-style aliases: the last -b wins
        cl.setOut(out);
        cl.setErr(err);
        cl.setParameterExceptionHandler((e, args) -> {
            err.println("fjord: " + e.getMessage());
            err.flush();
            return Fjord.EXIT_USAGE;
        });
        cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            CliException failure = e instanceof CliException c ? c : Clients.translate(e, "the brokers");
            err.println("fjord: " + failure.getMessage().replace('\n', ' '));
            err.flush();
            return failure.exitCode();
        });
        return cl;
    }

    private static String commandName(Class<?> command) {
        return command.getAnnotation(Command.class).name();
    }

    private static void addCompletion(CommandLine cl) {
        CommandLine completion = new CommandLine(new picocli.AutoComplete.GenerateCompletion());
        completion.getCommandSpec().usageMessage().hidden(false);
        completion
                .getCommandSpec()
                .usageMessage()
                .description("Print a bash/zsh completion script: source <(fjord completion)");
        cl.addSubcommand(COMPLETION, completion);
    }
}
