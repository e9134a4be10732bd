package io.fjord.metadata;

import io.fjord.common.Errors;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Decides AlterUserScramCredentials (KIP-554) as Kafka's KRaft controller ({@code ScramControlManager}) does: each
 * user is altered at most once per request (a second deletion or upsertion of the same user, whatever the mechanism,
 * fails that user with DUPLICATE_RESOURCE, and the user's other alterations are dropped); an empty user name or
 * iterations outside {@link ScramAlgorithm#MIN_ITERATIONS}..{@link ScramAlgorithm#MAX_ITERATIONS} is
 * UNACCEPTABLE_CREDENTIAL, an unknown mechanism UNSUPPORTED_SASL_MECHANISM, deleting a credential that does not exist
 * RESOURCE_NOT_FOUND. The users that pass write one record each, all in one batch.
 *
 * <p>Results: one per user, in the order users first appear (deletions, then upsertions); Kafka's order is its hash
 * maps' and clients match results by user. Pure and stateless.
 */
final class ScramControl {

    private ScramControl() {}

    static ControllerResult<List<ScramCredentialResult>> alterUserScramCredentials(
            MetadataImage image, List<ScramCredentialDeletion> deletions, List<ScramCredentialUpsertion> upsertions) {
        // Per user, in the order the results are given: the record to write, or the error.
        Map<String, Outcome> outcomes = new LinkedHashMap<>();
        for (ScramCredentialDeletion deletion : deletions) {
            decide(outcomes, deletion.name(), () -> delete(image, deletion));
        }
        for (ScramCredentialUpsertion upsertion : upsertions) {
            decide(outcomes, upsertion.name(), () -> upsert(upsertion));
        }
        List<MetadataRecord> records = new ArrayList<>();
        List<ScramCredentialResult> results = new ArrayList<>(outcomes.size());
        for (Map.Entry<String, Outcome> e : outcomes.entrySet()) {
            Outcome outcome = e.getValue();
            if (outcome.error() != null) {
                results.add(outcome.error());
            } else {
                records.add(outcome.record());
                results.add(new ScramCredentialResult(e.getKey(), Errors.NONE, null));
            }
        }
        return new ControllerResult<>(records, results);
    }

    /** One user's decision: exactly one of the record to write and the error. */
    private record Outcome(MetadataRecord record, ScramCredentialResult error) {
        static Outcome write(MetadataRecord record) {
            return new Outcome(record, null);
        }

        static Outcome fail(String user, Errors error, String message) {
            return new Outcome(null, new ScramCredentialResult(user, error, message));
        }
    }

    private static void decide(Map<String, Outcome> outcomes, String user, Supplier<Outcome> decision) {
        Outcome earlier = outcomes.get(user);
        if (earlier == null) {
            outcomes.put(user, decision.get());
        } else if (earlier.error() == null) {
            outcomes.put(
                    user,
                    Outcome.fail(
                            user,
                            Errors.DUPLICATE_RESOURCE,
                            "A user credential cannot be altered twice in the same request"));
        } // else Kafka: a user that already failed keeps its first error
    }

    private static Outcome delete(MetadataImage image, ScramCredentialDeletion deletion) {
        ScramAlgorithm mechanism = ScramAlgorithm.forType(deletion.mechanism());
        Outcome invalid = validateUserAndMechanism(deletion.name(), mechanism);
        if (invalid != null) {
            return invalid;
        }
        if (image.scram().credential(mechanism, deletion.name()) == null) {
            return Outcome.fail(
                    deletion.name(),
                    Errors.RESOURCE_NOT_FOUND,
                    "Attempt to delete a user credential that does not exist");
        }
        return Outcome.write(new RemoveUserScramCredentialRecord(deletion.name(), mechanism));
    }

    private static Outcome upsert(ScramCredentialUpsertion upsertion) {
        ScramAlgorithm mechanism = ScramAlgorithm.forType(upsertion.mechanism());
        Outcome invalid = validateUserAndMechanism(upsertion.name(), mechanism);
        if (invalid != null) {
            return invalid;
        }
        if (upsertion.iterations() < ScramAlgorithm.MIN_ITERATIONS) {
            return Outcome.fail(upsertion.name(), Errors.UNACCEPTABLE_CREDENTIAL, "Too few iterations");
        }
        if (upsertion.iterations() > ScramAlgorithm.MAX_ITERATIONS) {
            return Outcome.fail(upsertion.name(), Errors.UNACCEPTABLE_CREDENTIAL, "Too many iterations");
        }
        if (upsertion.storedKey().length != mechanism.hashBytes()
                || upsertion.serverKey().length != mechanism.hashBytes()) {
            // Not from fromSaltedPassword: a bug on this side, but never a credential that cannot log in.
            throw new IllegalArgumentException("keys of " + upsertion + " are not " + mechanism.hashBytes() + " bytes");
        }
        return Outcome.write(new UserScramCredentialRecord(upsertion.name(), mechanism, upsertion.credential()));
    }

    private static Outcome validateUserAndMechanism(String user, ScramAlgorithm mechanism) {
        if (user.isEmpty()) {
            return Outcome.fail(user, Errors.UNACCEPTABLE_CREDENTIAL, "Username must not be empty");
        }
        if (mechanism == null) {
            return Outcome.fail(user, Errors.UNSUPPORTED_SASL_MECHANISM, "Unknown SCRAM mechanism");
        }
        return null;
    }
}
