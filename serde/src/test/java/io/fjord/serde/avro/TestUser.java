package io.fjord.serde.avro;

import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecordBase;

/** A SpecificRecord written by hand the way avro-tools generates one (no Avro code generator in the build). */
public class TestUser extends SpecificRecordBase {
    public static final Schema SCHEMA$ = new Schema.Parser()
            .parse("{\"type\":\"record\",\"name\":\"TestUser\",\"namespace\":\"io.fjord.serde.avro\",\"fields\":["
                    + "{\"name\":\"name\",\"type\":{\"type\":\"string\",\"avro.java.string\":\"String\"}},"
                    + "{\"name\":\"age\",\"type\":[\"null\",\"int\"],\"default\":null},"
                    + "{\"name\":\"emails\",\"type\":{\"type\":\"array\",\"items\":"
                    + "{\"type\":\"string\",\"avro.java.string\":\"String\"}}}]}");

    private String name;
    private Integer age;
    private List<String> emails;

    public TestUser() {}

    public TestUser(String name, Integer age, List<String> emails) {
        this.name = name;
        this.age = age;
        this.emails = emails;
    }

    @Override
    public Schema getSchema() {
        return SCHEMA$;
    }

    public String name() {
        return name;
    }

    public Integer age() {
        return age;
    }

    public List<String> emails() {
        return emails;
    }

    @Override
    public Object get(int field) {
        return switch (field) {
            case 0 -> name;
            case 1 -> age;
            case 2 -> emails;
            default -> throw new IndexOutOfBoundsException(field);
        };
    }

    @Override
    @SuppressWarnings("unchecked")
    public void put(int field, Object value) {
        switch (field) {
            case 0 -> name = value.toString();
            case 1 -> age = (Integer) value;
            case 2 -> emails = (List<String>) value;
            default -> throw new IndexOutOfBoundsException(field);
        }
    }
}
