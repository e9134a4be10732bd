package io.fjord.cli;

import io.fjord.common.Time;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code fjord} command: {@code fjord start}, later topic, produce, consume, group and cluster. Exit
 * codes: 0 success, 1 runtime failure, 2 bad usage or configuration (one line {@code fjord: <message>}
 * on stderr).
 */
@Command(
        name = "fjord",
        mixinStandardHelpOptions = true,
        versionProvider = Fjord.VersionProvider.class,
        description = "A Kafka-compatible streaming platform.",
        subcommands = {StartCommand.class})
public final class Fjord implements Runnable {

    /** Exit code of a bad command line or configuration (picocli's usage-error code too). */
    public static final int EXIT_USAGE = 2;

    /** Exit code of a failure while running (the broker could not start). */
    public static final int EXIT_FAILURE = 1;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        int status = commandLine(new ServerBrokerLauncher(), ProcessControl.JVM, Time.SYSTEM, out, err)
                .execute(args);
        System.exit(status);
    }

    /** The command tree wired to the given launcher and process; tests pass fakes. */
    public static CommandLine commandLine(
            BrokerLauncher launcher, ProcessControl process, Time time, PrintWriter out, PrintWriter err) {
        CommandLine.IFactory defaults = CommandLine.defaultFactory();
        CommandLine.IFactory factory = new CommandLine.IFactory() {
            @Override
            public <K> K create(Class<K> cls) throws Exception {
                if (cls == StartCommand.class) {
                    return cls.cast(new StartCommand(launcher, process, time));
                }
                return defaults.create(cls);
            }
        };
        CommandLine cl = new CommandLine(new Fjord(), factory);
        cl.setOut(out);
        cl.setErr(err);
        cl.setParameterExceptionHandler((e, args) -> {
            err.println("fjord: " + e.getMessage());
            err.flush();
            return EXIT_USAGE;
        });
        return cl;
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
