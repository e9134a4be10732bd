package io.fjord.cli.log;

import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;

/**
 * One named logger: drops events below its threshold, formats the rest ({@code {}} placeholders) and hands them to
 * the shared {@link LogSink}. Its threshold is set when the logger is created and changed when an operator changes
 * levels at runtime (KIP-412). Thread-safe.
 */
final class LineLogger extends LegacyAbstractLogger {

    private static final long serialVersionUID = 1L;

    private volatile int threshold;
    private final transient LogSink sink;

    LineLogger(String name, int threshold, LogSink sink) {
        this.name = name;
        this.threshold = threshold;
        this.sink = sink;
    }

    int threshold() {
        return threshold;
    }

    void threshold(int value) {
        threshold = value;
    }

    @Override
    public boolean isTraceEnabled() {
        return threshold <= Level.TRACE.toInt();
    }

    @Override
    public boolean isDebugEnabled() {
        return threshold <= Level.DEBUG.toInt();
    }

    @Override
    public boolean isInfoEnabled() {
        return threshold <= Level.INFO.toInt();
    }

    @Override
    public boolean isWarnEnabled() {
        return threshold <= Level.WARN.toInt();
    }

    @Override
    public boolean isErrorEnabled() {
        return threshold <= Level.ERROR.toInt();
    }

    @Override
    protected String getFullyQualifiedCallerName() {
        return null;
    }

    @Override
    protected void handleNormalizedLoggingCall(
            Level level, Marker marker, String pattern, Object[] arguments, Throwable thrown) {
        sink.write(level, name, MessageFormatter.basicArrayFormat(pattern, arguments), thrown);
    }
}
