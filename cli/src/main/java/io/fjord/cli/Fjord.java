package io.fjord.cli;

import io.fjord.common.Time;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.List;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code fjord} command: {@code start}, and the client commands {@code topic}, {@code produce},
 * {@code consume}, {@code group}, {@code cluster} (built on the official client's public Admin, Producer and
 * Consumer API, so they work against any Kafka-compatible cluster) and {@code completion}. Exit codes: 0
 * success, 1 runtime failure, 2 bad usage or configuration; a failure is one line {@code fjord: <message>} on
 * stderr.
 */
@Command(
        name = "fjord",
        mixinStandardHelpOptions = true,
        versionProvider = Fjord.VersionProvider.class,
        description = "A Kafka-compatible streaming platform.")
public final class Fjord implements Runnable {

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

    /** Exit code of a bad command line or configuration (picocli's usage-error code too). */
    public static final int EXIT_USAGE = 2;

    /** Exit code of a failure while running (the broker could not start). */
    public static final int EXIT_FAILURE = 1;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** {@code -b} given before the subcommand; read by {@link ClientOptions}. */
    @CommandLine.Option(
            names = {"-b", "--brokers"},
            paramLabel = "HOST:PORT[,...]",
            description = "Bootstrap brokers for the client commands (default: $FJORD_BROKERS or "
                    + ClientOptions.DEFAULT_BROKERS + ").")
    String brokers;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        System.exit(execute(args, new ServerBrokerLauncher(), ProcessControl.JVM, Time.SYSTEM, out, err));
    }

    /**
     * Runs the command {@code args} name and returns its exit status: a plain {@code start} directly (see
     * {@link StartCommand#parsePlain}), everything else through picocli with only the named subcommand modelled.
     */
    static int execute(
            String[] args,
            BrokerLauncher launcher,
            ProcessControl process,
            Time time,
            PrintWriter out,
            PrintWriter err) {
        StartCommand start = new StartCommand(launcher, process, time);
        if (start.parsePlain(args)) {
            return start.run(out, err);
        }
        String only = args.length > 0 ? args[0] : null;
        return commandLine(launcher, process, time, out, err, only).execute(args);
    }

    /** The command tree wired to the given launcher and process; tests pass fakes. */
    public static CommandLine commandLine(
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
            return EXIT_USAGE;
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

    /** Reads the version that the build wrote into {@code version.properties}. */
    static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            Properties p = new Properties();
            try (InputStream in = Fjord.class.getResourceAsStream("version.properties")) {
                if (in != null) {
                    p.load(in);
                }
            }
            return new String[] {"fjord " + p.getProperty("version", "unknown")};
        }
    }
}
