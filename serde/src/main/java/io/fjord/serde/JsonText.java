package io.fjord.serde;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import org.apache.kafka.common.errors.SerializationException;

/**
 * The shared Jackson mapper and JSON parsing with one-line error messages ("not valid JSON: ... at line 1,
 * column 7"), as a command-line tool prints them. Thread-safe: the mapper is configured once.
 */
public final class JsonText {
    /** Integers too big for a long still parse (as BigIntegerNode), so range checks see the real value. */
    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
            .build();

    private JsonText() {}

    /** Parses one JSON document; blank input is an error. */
    public static JsonNode parse(String text) {
        try {
            JsonNode node = MAPPER.readTree(text);
            if (node == null || node.isMissingNode()) {
                throw new SerializationException("not valid JSON: empty input");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new SerializationException("not valid JSON: " + describe(e), e);
        }
    }

    /** Parses JSON bytes (a record payload). */
    public static JsonNode parse(byte[] data, int offset, int length) {
        try {
            JsonNode node = MAPPER.readTree(data, offset, length);
            if (node == null || node.isMissingNode()) {
                throw new SerializationException("not valid JSON: empty input");
            }
            return node;
        } catch (IOException e) {
            throw new SerializationException(
                    "not valid JSON: " + (e instanceof JsonProcessingException j ? describe(j) : e.getMessage()), e);
        }
    }

    /** The text of a JSON value on one line. */
    public static String write(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new SerializationException("cannot write JSON: " + describe(e), e);
        }
    }

    /** Jackson's message without its multi-line source excerpt, plus the location. */
    public static String describe(JsonProcessingException e) {
        String message = e.getOriginalMessage();
        if (message == null) {
            message = e.getClass().getSimpleName();
        }
        int newline = message.indexOf('\n');
        if (newline >= 0) {
            message = message.substring(0, newline);
        }
        JsonLocation location = e.getLocation();
        if (location != null && location.getLineNr() > 0) {
            message += " at line " + location.getLineNr() + ", column " + location.getColumnNr();
        }
        return message;
    }
}
