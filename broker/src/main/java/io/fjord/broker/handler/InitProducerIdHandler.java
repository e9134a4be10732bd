package io.fjord.broker.handler;

import io.fjord.broker.network.RequestContext;
import io.fjord.broker.network.RequestHandler;
import io.fjord.broker.producer.ProducerIdManager;
import io.fjord.broker.txn.TransactionHandlers;
import io.fjord.common.ApiException;
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
 */
public final class InitProducerIdHandler implements RequestHandler {

    private final ProducerIdManager producerIds;
    private final TransactionHandlers transactions;

    public InitProducerIdHandler(ProducerIdManager producerIds, TransactionHandlers transactions) {
        this.producerIds = producerIds;
        this.transactions = transactions;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, ApiMessage message) {
        InitProducerIdRequest request = (InitProducerIdRequest) message;
        InitProducerIdResponse response = new InitProducerIdResponse();
        if (request.transactionalId() != null) {
            return transactions.initProducerId(context, request);
        }
        // As in Kafka: without a transactional id every request gets a new id, also a KIP-360 epoch bump.
        try {
            response.setProducerId(producerIds.nextProducerId()).setProducerEpoch((short) 0);
        } catch (ApiException e) {
            response.setErrorCode(e.error().code()).setProducerId(-1L).setProducerEpoch((short) -1);
        }
        return CompletableFuture.completedFuture(response);
    }
}
