package io.fjord.metadata;

import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The SCRAM credentials of a {@link MetadataImage}: for each mechanism, each user's {@link ScramCredential}. A
 * mechanism with no users has no entry. Immutable; safe from any thread.
 */
public final class ScramImage {

    public static final ScramImage EMPTY = new ScramImage(Map.of());

    private final Map<ScramAlgorithm, Map<String, ScramCredential>> credentials;

    /** Copies {@code credentials}; empty per-mechanism maps are dropped. Users are kept in name order. */
    public ScramImage(Map<ScramAlgorithm, Map<String, ScramCredential>> credentials) {
        Map<ScramAlgorithm, Map<String, ScramCredential>> copy = new EnumMap<>(ScramAlgorithm.class);
        for (Map.Entry<ScramAlgorithm, Map<String, ScramCredential>> e : credentials.entrySet()) {
            if (!e.getValue().isEmpty()) {
                copy.put(e.getKey(), Collections.unmodifiableMap(new TreeMap<>(e.getValue())));
            }
        }
        this.credentials = Collections.unmodifiableMap(copy);
    }

    /** {@code user}'s credential for {@code mechanism}, or null. */
    public ScramCredential credential(ScramAlgorithm mechanism, String user) {
        return credentials.getOrDefault(mechanism, Map.of()).get(user);
    }

    /** Each user's credential for {@code mechanism}, by user name; empty when none. */
    public Map<String, ScramCredential> credentials(ScramAlgorithm mechanism) {
        return credentials.getOrDefault(mechanism, Map.of());
    }

    /** Every mechanism with at least one user. */
    public Map<ScramAlgorithm, Map<String, ScramCredential>> all() {
        return credentials;
    }

    public boolean isEmpty() {
        return credentials.isEmpty();
    }

    /** Appends the records that re-create these credentials: mechanism by mechanism, users in name order. */
    public void appendRecords(List<MetadataRecord> out) {
        credentials.forEach((mechanism, users) -> users.forEach(
                (user, credential) -> out.add(new UserScramCredentialRecord(user, mechanism, credential))));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ScramImage that && credentials.equals(that.credentials);
    }

    @Override
    public int hashCode() {
        return credentials.hashCode();
    }

    @Override
    public String toString() {
        Map<ScramAlgorithm, Object> users = new EnumMap<>(ScramAlgorithm.class);
        credentials.forEach((mechanism, byUser) -> users.put(mechanism, byUser.keySet()));
        return "ScramImage" + users;
    }
}
