package io.fjord.kafkaapps;

import java.io.IOException;
import java.lang.reflect.Method;
import java.util.Arrays;

/**
 * Runs another main class ({@code UntilStdinCloses <main class> <args...>}) until this process's stdin
 * closes, then exits normally, so the application's shutdown hooks stop it cleanly (Kafka Connect's
 * worker leaves its group). A test that starts Kafka's own mains this way holds their stdin open; when
 * the test, or the JVM running it, ends, the pipe closes and the application goes with it.
 */
public final class UntilStdinCloses {

    private UntilStdinCloses() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: UntilStdinCloses <main class> [args...]");
            System.exit(2);
        }
        Thread watchdog = new Thread(
                () -> {
                    try {
                        while (System.in.read() >= 0) {
                            // the parent holds stdin open while the application should run
                        }
                    } catch (IOException e) {
                        // closed: stop
                    }
                    System.exit(0);
                },
                "stdin-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        Method main = Class.forName(args[0]).getMethod("main", String[].class);
        main.invoke(null, (Object) Arrays.copyOfRange(args, 1, args.length));
    }
}
