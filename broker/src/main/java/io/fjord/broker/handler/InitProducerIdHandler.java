package io.fjord.broker.handler;

import io.fjord.broker.network.RequestContext;
import io.fjord.broker.network.RequestHandler;
import io.fjord.broker.producer.ProducerIdManager;
import io.fjord.broker.security.Authorizer;
import io.fjord.broker.txn.TransactionHandlers;
import io.fjord.common.ApiException;
import io.fjord.common.Errors;
import io.fjord.metadata.AclOperation;
import io.fjord.metadata.AclResourceType;
import io.fjord.protocol.ApiMessage;
import io.fjord.protocol.message.InitProducerIdRequest;
import io.fjord.protocol.message.InitProducerIdResponse;
import java.util.concurrent.CompletableFuture;

/**
 * InitProducerId for idempotent producers: a fresh, never reused producer id at epoch 0, also when the
 * producer asks to bump its epoch (KIP-360), as Kafka does for producers without a transactional id.
 * Ids come from the controller's blocks ({@link ProducerIdManager}); while this broker has none at hand
 * it answers COORDINATOR_LOAD_IN_PROGRESS, as Kafka does, and the client retries. A request with a
 * transactional id goes to the transaction coordinator ({@link TransactionHandlers#initProducerId}).
 *
 * <p>ACLs, as Kafka 4 checks them: a transactional producer needs WRITE on its transactional id (else
 * TRANSACTIONAL_ID_AUTHORIZATION_FAILED); an idempotent one IDEMPOTENT_WRITE on the cluster or WRITE on at least one
 * topic (else CLUSTER_AUTHORIZATION_FAILED). The cluster check is asked without logging a denial, since the topic
 * check may still allow.
 */
public final class InitProducerIdHandler implements RequestHandler {

    private final ProducerIdManager producerIds;
    private final TransactionHandlers transactions;
    private final Authorizer authorizer;

    public InitProducerIdHandler(
            ProducerIdManager producerIds, TransactionHandlers transactions, Authorizer authorizer) {
        this.producerIds = producerIds;
        this.transactions = transactions;
        this.authorizer = authorizer;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, ApiMessage message) {
        InitProducerIdRequest request = (InitProducerIdRequest) message;
        InitProducerIdResponse response = new InitProducerIdResponse();
        if (request.transactionalId() != null) {
            if (!authorizer.authorize(
                    context, AclOperation.WRITE, AclResourceType.TRANSACTIONAL_ID, request.transactionalId())) {
                return denied(response, Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
            }
            return transactions.initProducerId(context, request);
        }
        if (!authorizer.authorizeCluster(context, AclOperation.IDEMPOTENT_WRITE, false)
                && !authorizer.authorizeAny(context, AclOperation.WRITE, AclResourceType.TOPIC)) {
            return denied(response, Errors.CLUSTER_AUTHORIZATION_FAILED);
        }
        // As in Kafka: without a transactional id every request gets a new id, also a KIP-360 epoch bump.
        try {
            response.setProducerId(producerIds.nextProducerId()).setProducerEpoch((short) 0);
        } catch (ApiException e) {
            response.setErrorCode(e.error().code()).setProducerId(-1L).setProducerEpoch((short) -1);
        }
        return CompletableFuture.completedFuture(response);
    }

    private static CompletableFuture<ApiMessage> denied(InitProducerIdResponse response, Errors error) {
        return CompletableFuture.completedFuture(
                response.setErrorCode(error.code()).setProducerId(-1L).setProducerEpoch((short) -1));
    }
}
