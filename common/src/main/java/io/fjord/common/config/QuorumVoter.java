package io.fjord.common.config;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One entry of {@code controller.quorum.voters}: {@code id@host:port}. Immutable.
 *
 * @param nodeId the voter's node.id
 * @param host its controller listener host
 * @param port its controller listener port
 */
public record QuorumVoter(int nodeId, String host, int port) {

    private static final Pattern VOTER = Pattern.compile("^(\\d+)@\\[?([^\\]@]+?)\\]?:(\\d+)$");

    /** Parses {@code id@host:port}, naming {@code key} on failure. */
    public static QuorumVoter parse(String key, String entry) {
        Matcher m = VOTER.matcher(entry.trim());
        if (!m.matches()) {
            throw new ConfigException(key, entry, "Voter entries must be in the format {id}@{host}:{port}");
        }
        try {
            int port = Integer.parseInt(m.group(3));
            if (port > 65535) {
                throw new NumberFormatException();
            }
            return new QuorumVoter(Integer.parseInt(m.group(1)), m.group(2), port);
        } catch (NumberFormatException e) {
            throw new ConfigException(key, entry, "Voter entries must be in the format {id}@{host}:{port}");
        }
    }
}
