package io.fjord.protocol.generator;

import java.util.List;

/**
 * One field of a message or struct spec. {@code fields} is non-empty when the field defines its struct
 * inline; {@code flexibleVersionsOverride} is null unless the field overrides the message's flexible
 * versions (only strings and bytes do, e.g. the request header's ClientId).
 */
public record FieldSpec(
        String name,
        FieldType type,
        Versions versions,
        Versions nullableVersions,
        Versions taggedVersions,
        Integer tag,
        boolean ignorable,
        String defaultValue,
        Versions flexibleVersionsOverride,
        boolean zeroCopy,
        String about,
        List<FieldSpec> fields) {

    public String camelCaseName() {
        return Character.toLowerCase(name.charAt(0)) + name.substring(1);
    }

    public String capitalizedName() {
        return Character.toUpperCase(name.charAt(0)) + name.substring(1);
    }

    public boolean isTagged() {
        return tag != null;
    }

    /** The struct type this field holds (itself or as array elements), or null. */
    public String structTypeName() {
        FieldType t = type.isArray() ? type.element() : type;
        return t.isStruct() ? t.name() : null;
    }
}
