package io.fjord.broker.handler;

import io.fjord.broker.network.RequestContext;
import io.fjord.common.ApiException;
import io.fjord.common.Errors;
import io.fjord.metadata.AclOperation;
import io.fjord.metadata.ControllerApi;
import io.fjord.metadata.ScramAlgorithm;
import io.fjord.metadata.ScramCredential;
import io.fjord.metadata.ScramCredentialDeletion;
import io.fjord.metadata.ScramCredentialResult;
import io.fjord.metadata.ScramCredentialUpsertion;
import io.fjord.metadata.ScramImage;
import io.fjord.protocol.ApiMessage;
import io.fjord.protocol.message.AlterUserScramCredentialsRequest;
import io.fjord.protocol.message.AlterUserScramCredentialsResponse;
import io.fjord.protocol.message.DescribeUserScramCredentialsRequest;
import io.fjord.protocol.message.DescribeUserScramCredentialsResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * AlterUserScramCredentials and DescribeUserScramCredentials v0 (KIP-554). Alterations go to the controller, which
 * decides them per user ({@code ScramControl}); this broker first turns each upsertion's SaltedPassword into StoredKey
 * and ServerKey, so the password-equivalent SaltedPassword goes no further than this handler. Descriptions are
 * answered from this broker's metadata image, as Kafka's KRaft brokers answer them from their metadata cache
 * (Kafka's {@code ScramImage.describe}): every user with a credential when no user is named, else each named user once
 * (RESOURCE_NOT_FOUND for one without credentials, DUPLICATE_RESOURCE for one named twice).
 *
 * <p>Authorization as in Kafka: describing needs DESCRIBE on the cluster, else CLUSTER_AUTHORIZATION_FAILED at the
 * top and on each named user; altering needs ALTER on the cluster, else the error on every user named, in name order.
 *
 * <p>Thread-safe: reads the image it is handed, holds no state.
 */
public final class ScramCredentialHandlers {

    private final MetadataView metadata;
    private final ControllerApi controller;

    public ScramCredentialHandlers(MetadataView metadata, ControllerApi controller) {
        this.metadata = metadata;
        this.controller = controller;
    }

    public CompletableFuture<ApiMessage> alterUserScramCredentials(RequestContext context, ApiMessage message) {
        AlterUserScramCredentialsRequest request = (AlterUserScramCredentialsRequest) message;
        List<ScramCredentialDeletion> deletions =
                new ArrayList<>(request.deletions().size());
        Set<String> users = new LinkedHashSet<>();
        for (AlterUserScramCredentialsRequest.ScramCredentialDeletion d : request.deletions()) {
            deletions.add(new ScramCredentialDeletion(d.name(), d.mechanism()));
            users.add(d.name());
        }
        List<ScramCredentialUpsertion> upsertions =
                new ArrayList<>(request.upsertions().size());
        for (AlterUserScramCredentialsRequest.ScramCredentialUpsertion u : request.upsertions()) {
            upsertions.add(ScramCredentialUpsertion.fromSaltedPassword(
                    u.name(), u.mechanism(), u.iterations(), u.salt(), u.saltedPassword()));
            users.add(u.name());
        }
        AlterUserScramCredentialsResponse response = new AlterUserScramCredentialsResponse();
        if (!metadata.authorizer().authorizeCluster(context, AclOperation.ALTER)) {
            // Kafka's controller refuses the whole request; its error response names each user once, sorted.
            String denied = ReplicationAdminHandlers.notAuthorized(context);
            for (String user : new TreeSet<>(users)) {
                response.results()
                        .add(new AlterUserScramCredentialsResponse.AlterUserScramCredentialsResult()
                                .setUser(user)
                                .setErrorCode(Errors.CLUSTER_AUTHORIZATION_FAILED.code())
                                .setErrorMessage(denied));
            }
            return CompletableFuture.completedFuture(response);
        }
        if (users.isEmpty()) {
            return CompletableFuture.completedFuture(response);
        }
        return controller.alterUserScramCredentials(deletions, upsertions).handle((results, error) -> {
            if (error != null) {
                // Kafka answers a request it could not hand to the controller with the error for every user.
                ApiException failure = apiException(error);
                results = new ArrayList<>();
                for (String user : users) {
                    results.add(new ScramCredentialResult(user, failure.error(), failure.getMessage()));
                }
            }
            for (ScramCredentialResult r : results) {
                response.results()
                        .add(new AlterUserScramCredentialsResponse.AlterUserScramCredentialsResult()
                                .setUser(r.user())
                                .setErrorCode(r.error().code())
                                .setErrorMessage(r.message()));
            }
            return response;
        });
    }

    /** The controller's ApiException; anything else is a bug, rethrown (the connection closes and it is logged). */
    private static ApiException apiException(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof ApiException e) {
            return e;
        }
        throw error instanceof CompletionException c ? c : new CompletionException(cause);
    }

    public CompletableFuture<ApiMessage> describeUserScramCredentials(RequestContext context, ApiMessage message) {
        DescribeUserScramCredentialsRequest request = (DescribeUserScramCredentialsRequest) message;
        if (!metadata.authorizer().authorizeCluster(context, AclOperation.DESCRIBE)) {
            return CompletableFuture.completedFuture(describeDenied(request));
        }
        ScramImage scram = metadata.image().scram();
        // User -> named more than once; every user with a credential when none is named.
        Map<String, Boolean> users = new LinkedHashMap<>();
        if (request.users() == null || request.users().isEmpty()) {
            for (ScramAlgorithm mechanism : ScramAlgorithm.values()) {
                scram.credentials(mechanism).keySet().forEach(user -> users.put(user, false));
            }
        } else {
            for (DescribeUserScramCredentialsRequest.UserName user : request.users()) {
                users.put(user.name(), users.containsKey(user.name()));
            }
        }
        DescribeUserScramCredentialsResponse response = new DescribeUserScramCredentialsResponse();
        for (Map.Entry<String, Boolean> e : users.entrySet()) {
            response.results().add(describe(scram, e.getKey(), e.getValue()));
        }
        return CompletableFuture.completedFuture(response);
    }

    /** Kafka's error response: the default message, so none, at the top and for each user as named. */
    private static DescribeUserScramCredentialsResponse describeDenied(DescribeUserScramCredentialsRequest request) {
        DescribeUserScramCredentialsResponse response = new DescribeUserScramCredentialsResponse()
                .setErrorCode(Errors.CLUSTER_AUTHORIZATION_FAILED.code())
                .setErrorMessage(null);
        if (request.users() != null) {
            for (DescribeUserScramCredentialsRequest.UserName user : request.users()) {
                response.results()
                        .add(new DescribeUserScramCredentialsResponse.DescribeUserScramCredentialsResult()
                                .setUser(user.name())
                                .setErrorCode(Errors.CLUSTER_AUTHORIZATION_FAILED.code())
                                .setErrorMessage(null));
            }
        }
        return response;
    }

    private static DescribeUserScramCredentialsResponse.DescribeUserScramCredentialsResult describe(
            ScramImage scram, String user, boolean duplicate) {
        DescribeUserScramCredentialsResponse.DescribeUserScramCredentialsResult result =
                new DescribeUserScramCredentialsResponse.DescribeUserScramCredentialsResult().setUser(user);
        if (duplicate) {
            return result.setErrorCode(Errors.DUPLICATE_RESOURCE.code())
                    .setErrorMessage(
                            "Cannot describe SCRAM credentials for the same user twice in a single request: " + user);
        }
        for (ScramAlgorithm mechanism : ScramAlgorithm.values()) {
            ScramCredential credential = scram.credential(mechanism, user);
            if (credential != null) {
                result.credentialInfos()
                        .add(new DescribeUserScramCredentialsResponse.CredentialInfo()
                                .setMechanism(mechanism.type())
                                .setIterations(credential.iterations()));
            }
        }
        if (result.credentialInfos().isEmpty()) {
            result.setErrorCode(Errors.RESOURCE_NOT_FOUND.code())
                    .setErrorMessage("Attempt to describe a user credential that does not exist: " + user);
        }
        return result;
    }
}
