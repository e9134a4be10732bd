package io.fjord.cli;

/**
 * The parts of the JVM process that {@code fjord start} touches: shutdown hooks and halting. A seam so
 * that tests can run the command in-process without registering hooks on the test JVM.
 */
public interface ProcessControl {

    /** Runs {@code hook} when the JVM shuts down (SIGTERM, Ctrl-C, System.exit). */
    void addShutdownHook(Thread hook);

    /** Ends the process at once with {@code status}; called from the shutdown hook after a clean stop. */
    void halt(int status);

    /** The real JVM. */
    ProcessControl JVM = new ProcessControl() {
        @Override
        public void addShutdownHook(Thread hook) {
            Runtime.getRuntime().addShutdownHook(hook);
        }

        @Override
        public void halt(int status) {
            Runtime.getRuntime().halt(status);
        }
    };
}
