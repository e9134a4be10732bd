package io.fjord.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.fjord.protocol.message.ApiVersionsRequest;
import io.fjord.protocol.message.ProduceResponse;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.common.message.ApiMessageType;
import org.junit.jupiter.api.Test;

/** {@link ApiKeys} agrees with kafka-clients' own API table for every API a broker serves. */
class ApiKeysTest {
    @Test
    void listsExactlyTheApisKafkaServesOnTheBrokerListener() {
        Set<String> kafka = EnumSet.allOf(org.apache.kafka.common.protocol.ApiKeys.class).stream()
                .filter(k -> k.messageType.listeners().contains(ApiMessageType.ListenerType.BROKER))
                .map(Enum::name)
                .collect(Collectors.toSet());
        Set<String> ours = EnumSet.allOf(ApiKeys.class).stream().map(Enum::name).collect(Collectors.toSet());
        assertThat(ours).isEqualTo(kafka);
    }

    @Test
    void versionsAndHeaderVersionsMatchKafka() {
        for (ApiKeys ours : ApiKeys.values()) {
            org.apache.kafka.common.protocol.ApiKeys kafka = org.apache.kafka.common.protocol.ApiKeys.forId(ours.id());
            assertThat(ours.name()).isEqualTo(kafka.name());
            assertThat(ours.title() + "RequestData")
                    .isEqualTo(kafka.messageType.newRequest().getClass().getSimpleName());
            assertThat(ours.lowestVersion()).isEqualTo(kafka.messageType.lowestSupportedVersion());
            assertThat(ours.highestVersion()).isEqualTo(kafka.messageType.highestSupportedVersion(true));
            for (short v = ours.lowestVersion(); v <= ours.highestVersion(); v++) {
                assertThat(ours.requestHeaderVersion(v)).as("%s v%d", ours, v).isEqualTo(kafka.requestHeaderVersion(v));
                assertThat(ours.responseHeaderVersion(v))
                        .as("%s v%d", ours, v)
                        .isEqualTo(kafka.responseHeaderVersion(v));
            }
            assertThat(ours.newRequest().apiKey()).isEqualTo(ours.id());
            assertThat(ours.newResponse().apiKey()).isEqualTo(ours.id());
        }
    }

    @Test
    void findsApisByIdAndAnswersNullForUnknownIds() {
        assertThat(ApiKeys.forId((short) 0)).isEqualTo(ApiKeys.PRODUCE);
        assertThat(ApiKeys.forId((short) 18)).isEqualTo(ApiKeys.API_VERSIONS);
        assertThat(ApiKeys.forId((short) -1)).isNull();
        assertThat(ApiKeys.forId(Short.MAX_VALUE)).isNull();
        assertThat(ApiKeys.PRODUCE.newResponse()).isInstanceOf(ProduceResponse.class);
        assertThat(ApiKeys.API_VERSIONS.newRequest()).isInstanceOf(ApiVersionsRequest.class);
        assertThat(ApiKeys.API_VERSIONS.responseHeaderVersion((short) 4)).isZero();
        assertThat(ApiKeys.API_VERSIONS.requestHeaderVersion((short) 4)).isEqualTo((short) 2);
        assertThat(ApiKeys.PRODUCE.isFlexible((short) 8)).isFalse();
        assertThat(ApiKeys.PRODUCE.isFlexible((short) 9)).isTrue();
    }
}
