package io.fjord.metadata;

import io.fjord.common.ApiException;
import io.fjord.common.Errors;
import java.util.List;

/**
 * Decides AllocateProducerIds (KIP-730): a registered broker gets the next {@link #BLOCK_SIZE} ids, starting
 * at the image's {@link ProducerIdsImage#nextProducerId()} (or at {@code floor} when that is higher: the end
 * of a broker's pre-KIP-730 local producer id file), and one {@link ProducerIdsRecord} moves the mark past
 * the block. Blocks handed out in log order therefore never overlap. Pure.
 */
final class ProducerIdControl {

    /** Ids per block, as in Kafka. */
    static final int BLOCK_SIZE = 1000;

    private ProducerIdControl() {}

    static ControllerResult<Long> allocateProducerIds(MetadataImage image, int brokerId, long floor) {
        if (image.cluster().broker(brokerId) == null) {
            throw new ApiException(
                    Errors.BROKER_ID_NOT_REGISTERED,
                    "Broker " + brokerId + " is not registered; it gets no producer ids");
        }
        if (floor < 0) {
            throw new ApiException(Errors.INVALID_REQUEST, "A producer id floor must be >= 0, got " + floor);
        }
        long first = Math.max(image.producerIds().nextProducerId(), floor);
        if (first > Long.MAX_VALUE - BLOCK_SIZE) {
            throw new ApiException(Errors.UNKNOWN_SERVER_ERROR, "Producer ids are exhausted at " + first);
        }
        return new ControllerResult<>(List.of(new ProducerIdsRecord(brokerId, -1L, first + BLOCK_SIZE)), first);
    }
}
