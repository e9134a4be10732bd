package io.fjord.protocol.generator;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FieldTypeTest {
    @Test
    void mapsSpecTypesToTheJavaTypesOfTheContract() {
        assertThat(FieldType.parse("uint16").javaType()).isEqualTo("int");
        assertThat(FieldType.parse("uint32").javaType()).isEqualTo("long");
        assertThat(FieldType.parse("records").javaType()).isEqualTo("io.fjord.protocol.Records");
        assertThat(FieldType.parse("[]int32").javaType()).isEqualTo("java.util.List<Integer>");
        assertThat(FieldType.parse("[]TopicData").javaType()).isEqualTo("java.util.List<TopicData>");
        assertThat(FieldType.parse("TopicData").isStruct()).isTrue();
        assertThat(FieldType.parse("[]TopicData").isStruct()).isFalse();
    }
}
