package io.fjord.common;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;

/**
 * The log levels of this process's loggers, changed while it runs: what Kafka's BROKER_LOGGER config
 * resource (KIP-412) shows and alters. Levels are Kafka's names; {@link #ROOT} is the level every logger
 * without one of its own (nor a dotted prefix with one) logs at. Implemented by a logging backend that can
 * change levels at runtime ({@code fjord start}'s own); {@link #ofProcess} finds it. Thread-safe.
 */
public interface LoggerLevels {

    String ROOT = "root";

    /** The levels Kafka accepts for a logger, sorted as Kafka lists them in its error message. */
    List<String> VALID_LEVELS = List.of("DEBUG", "ERROR", "FATAL", "INFO", "TRACE", "WARN");

    /**
     * Every logger with its effective level: {@link #ROOT} first, then in name order each logger the process has
     * created, each package above one (its dotted prefixes, which set the level of all below) and each name given a
     * level of its own. Levels are TRACE, DEBUG, INFO, WARN, ERROR or OFF.
     */
    Map<String, String> levels();

    /** Whether {@code name} is one of {@link #levels()}. */
    boolean exists(String name);

    /** Gives {@code name} its own level, one of {@link #VALID_LEVELS} (FATAL logs as ERROR). */
    void set(String name, String level);

    /** Takes {@code name}'s own level away: it logs at its nearest prefix's level, or root's. Not for root. */
    void unset(String name);

    /** The process's runtime levels: SLF4J's logger factory when it is such a backend, else empty. */
    static Optional<LoggerLevels> ofProcess() {
        ILoggerFactory factory = LoggerFactory.getILoggerFactory();
        return factory instanceof LoggerLevels levels ? Optional.of(levels) : Optional.empty();
    }
}
