package io.fjord.serde.protobuf;

import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumDescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumValueDescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.MessageOptions;
import com.google.protobuf.DescriptorProtos.OneofDescriptorProto;
import io.fjord.serde.protobuf.ProtoTokenizer.Kind;
import io.fjord.serde.protobuf.ProtoTokenizer.Token;
import java.util.Map;

/**
 * Parses .proto source (proto3 and the proto2 subset without groups and extensions) into a
 * {@link FileDescriptorProto}, without protoc: messages, nested messages, enums, scalar, repeated, optional,
 * map and oneof fields, imports, packages, reserved ranges. Options are read and dropped, except
 * {@code json_name}, {@code packed}, {@code default} and {@code allow_alias}. Services are skipped. Type names
 * are left as written; {@code Descriptors.FileDescriptor.buildFrom} resolves them as protoc would. Not
 * thread-safe; one instance parses one file.
 */
final class ProtoParser {
    /** Nesting deeper than this is refused: real schemas stay far below it, hostile ones overflow the stack. */
    private static final int MAX_DEPTH = 64;

    private static final Map<String, FieldDescriptorProto.Type> SCALARS = Map.ofEntries(
            Map.entry("double", FieldDescriptorProto.Type.TYPE_DOUBLE),
            Map.entry("float", FieldDescriptorProto.Type.TYPE_FLOAT),
            Map.entry("int32", FieldDescriptorProto.Type.TYPE_INT32),
            Map.entry("int64", FieldDescriptorProto.Type.TYPE_INT64),
            Map.entry("uint32", FieldDescriptorProto.Type.TYPE_UINT32),
            Map.entry("uint64", FieldDescriptorProto.Type.TYPE_UINT64),
            Map.entry("sint32", FieldDescriptorProto.Type.TYPE_SINT32),
            Map.entry("sint64", FieldDescriptorProto.Type.TYPE_SINT64),
            Map.entry("fixed32", FieldDescriptorProto.Type.TYPE_FIXED32),
            Map.entry("fixed64", FieldDescriptorProto.Type.TYPE_FIXED64),
            Map.entry("sfixed32", FieldDescriptorProto.Type.TYPE_SFIXED32),
            Map.entry("sfixed64", FieldDescriptorProto.Type.TYPE_SFIXED64),
            Map.entry("bool", FieldDescriptorProto.Type.TYPE_BOOL),
            Map.entry("string", FieldDescriptorProto.Type.TYPE_STRING),
            Map.entry("bytes", FieldDescriptorProto.Type.TYPE_BYTES));

    /** A syntax error at a line of the source. */
    static final class ParseError extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ParseError(int line, String message) {
            super("line " + line + ": " + message);
        }
    }

    private final ProtoTokenizer tokens;
    private final FileDescriptorProto.Builder file = FileDescriptorProto.newBuilder();
    private boolean proto3;
    private int depth;

    private ProtoParser(String text, String fileName) {
        this.tokens = new ProtoTokenizer(text);
        file.setName(fileName);
    }

    /**
     * @param fileName the name the descriptor gets (for an imported file: the import path)
     * @throws ParseError on a syntax error, with its line
     */
    static FileDescriptorProto parse(String text, String fileName) {
        return new ProtoParser(text, fileName).parseFile();
    }

    private FileDescriptorProto parseFile() {
        if (tokens.peek().is("syntax")) {
            tokens.next();
            expect("=");
            Token syntax = expectKind(Kind.STRING, "syntax name");
            if (!syntax.text().equals("proto3") && !syntax.text().equals("proto2")) {
                throw new ParseError(syntax.line(), "unsupported syntax \"" + syntax.text() + "\"");
            }
            proto3 = syntax.text().equals("proto3");
            expect(";");
        }
        file.setSyntax(proto3 ? "proto3" : "proto2");
        while (tokens.peek().kind() != Kind.EOF) {
            Token t = tokens.next();
            switch (t.text()) {
                case "package" -> {
                    file.setPackage(expectKind(Kind.IDENT, "package name").text());
                    expect(";");
                }
                case "import" -> parseImport();
                case "option" -> skipStatement();
                case "message" -> file.addMessageType(parseMessage());
                case "enum" -> file.addEnumType(parseEnum());
                case "service" -> skipBlock();
                case ";" -> {}
                case "edition" -> throw new ParseError(t.line(), "editions are not supported, use proto3");
                case "extend" -> throw new ParseError(t.line(), "extensions are not supported");
                default -> throw unexpected(t, "a top-level definition (message, enum, import, ...)");
            }
        }
        return file.build();
    }

    private void parseImport() {
        boolean isPublic = false;
        if (tokens.peek().is("public") || tokens.peek().is("weak")) {
            isPublic = tokens.next().text().equals("public");
        }
        String path = expectKind(Kind.STRING, "import path").text();
        expect(";");
        if (isPublic) {
            file.addPublicDependency(file.getDependencyCount());
        }
        file.addDependency(path);
    }

    private DescriptorProto parseMessage() {
        Token name = expectKind(Kind.IDENT, "message name");
        enter(name);
        DescriptorProto.Builder message = DescriptorProto.newBuilder().setName(name.text());
        expect("{");
        while (!tokens.peek().is("}")) {
            Token t = tokens.next();
            switch (t.text()) {
                case "message" -> message.addNestedType(parseMessage());
                case "enum" -> message.addEnumType(parseEnum());
                case "oneof" -> parseOneof(message);
                case "option", "extensions" -> skipStatement();
                case "reserved" -> parseReserved(message);
                case ";" -> {}
                case "map" -> message.addField(parseMap(message, t));
                case "extend" -> throw new ParseError(t.line(), "extensions are not supported");
                default -> {
                    if (t.kind() == Kind.EOF) {
                        throw unexpected(t, "'}' closing message " + name.text());
                    }
                    message.addField(parseField(t, -1));
                }
            }
        }
        tokens.next();
        // protoc puts the synthetic oneofs of proto3 optional fields after all real ones.
        for (int i = 0; i < message.getFieldCount(); i++) {
            FieldDescriptorProto.Builder field = message.getFieldBuilder(i);
            if (field.getProto3Optional()) {
                field.setOneofIndex(message.getOneofDeclCount());
                message.addOneofDecl(OneofDescriptorProto.newBuilder().setName("_" + field.getName()));
            }
        }
        depth--;
        return message.build();
    }

    private void parseOneof(DescriptorProto.Builder message) {
        String name = expectKind(Kind.IDENT, "oneof name").text();
        int index = message.getOneofDeclCount();
        message.addOneofDecl(OneofDescriptorProto.newBuilder().setName(name));
        expect("{");
        while (!tokens.peek().is("}")) {
            Token t = tokens.next();
            if (t.is("option")) {
                skipStatement();
            } else if (!t.is(";")) {
                if (t.kind() == Kind.EOF) {
                    throw unexpected(t, "'}' closing oneof " + name);
                }
                message.addField(parseField(t, index));
            }
        }
        tokens.next();
    }

    /** A field after its first token (a label or the type). */
    private FieldDescriptorProto.Builder parseField(Token first, int oneofIndex) {
        FieldDescriptorProto.Builder field = FieldDescriptorProto.newBuilder();
        Token type = first;
        FieldDescriptorProto.Label label = FieldDescriptorProto.Label.LABEL_OPTIONAL;
        if (oneofIndex < 0 && (first.is("repeated") || first.is("optional") || first.is("required"))) {
            if (first.is("repeated")) {
                label = FieldDescriptorProto.Label.LABEL_REPEATED;
            } else if (first.is("required")) {
                if (proto3) {
                    throw new ParseError(first.line(), "required fields are not allowed in proto3");
                }
                label = FieldDescriptorProto.Label.LABEL_REQUIRED;
            } else if (proto3) {
                field.setProto3Optional(true);
            }
            type = tokens.next();
        }
        if (type.kind() != Kind.IDENT) {
            throw unexpected(type, "a field type");
        }
        if (type.is("group")) {
            throw new ParseError(type.line(), "groups are not supported");
        }
        setType(field, type.text());
        field.setLabel(label);
        field.setName(expectKind(Kind.IDENT, "field name").text());
        expect("=");
        field.setNumber(fieldNumber());
        if (oneofIndex >= 0) {
            field.setOneofIndex(oneofIndex);
        }
        parseFieldOptions(field);
        expect(";");
        return field;
    }

    private FieldDescriptorProto.Builder parseMap(DescriptorProto.Builder message, Token mapToken) {
        expect("<");
        Token keyType = expectKind(Kind.IDENT, "map key type");
        if (!SCALARS.containsKey(keyType.text())
                || keyType.is("double")
                || keyType.is("float")
                || keyType.is("bytes")) {
            throw new ParseError(keyType.line(), "invalid map key type '" + keyType.text() + "'");
        }
        expect(",");
        Token valueType = expectKind(Kind.IDENT, "map value type");
        expect(">");
        String name = expectKind(Kind.IDENT, "field name").text();
        String entryName = camelCase(name) + "Entry";
        FieldDescriptorProto.Builder key = FieldDescriptorProto.newBuilder()
                .setName("key")
                .setNumber(1)
                .setLabel(FieldDescriptorProto.Label.LABEL_OPTIONAL);
        setType(key, keyType.text());
        FieldDescriptorProto.Builder value = FieldDescriptorProto.newBuilder()
                .setName("value")
                .setNumber(2)
                .setLabel(FieldDescriptorProto.Label.LABEL_OPTIONAL);
        setType(value, valueType.text());
        message.addNestedType(DescriptorProto.newBuilder()
                .setName(entryName)
                .addField(key)
                .addField(value)
                .setOptions(MessageOptions.newBuilder().setMapEntry(true)));
        FieldDescriptorProto.Builder field = FieldDescriptorProto.newBuilder()
                .setName(name)
                .setLabel(FieldDescriptorProto.Label.LABEL_REPEATED)
                .setType(FieldDescriptorProto.Type.TYPE_MESSAGE)
                .setTypeName(entryName);
        expect("=");
        field.setNumber(fieldNumber());
        parseFieldOptions(field);
        expect(";");
        return field;
    }

    private static void setType(FieldDescriptorProto.Builder field, String type) {
        FieldDescriptorProto.Type scalar = SCALARS.get(type);
        if (scalar != null) {
            field.setType(scalar);
        } else {
            // Message or enum: buildFrom() decides which once the name is resolved.
            field.setTypeName(type);
        }
    }

    private void parseFieldOptions(FieldDescriptorProto.Builder field) {
        if (!tokens.peek().is("[")) {
            return;
        }
        tokens.next();
        do {
            String option = optionName();
            expect("=");
            Token value = constant();
            switch (option) {
                case "json_name" -> field.setJsonName(value.text());
                case "default" -> field.setDefaultValue(value.text());
                case "packed" -> field.getOptionsBuilder().setPacked(Boolean.parseBoolean(value.text()));
                case "deprecated" -> field.getOptionsBuilder().setDeprecated(Boolean.parseBoolean(value.text()));
                default -> {}
            }
        } while (accept(","));
        expect("]");
    }

    private EnumDescriptorProto parseEnum() {
        Token name = expectKind(Kind.IDENT, "enum name");
        EnumDescriptorProto.Builder enumType = EnumDescriptorProto.newBuilder().setName(name.text());
        expect("{");
        while (!tokens.peek().is("}")) {
            Token t = tokens.next();
            if (t.is("option")) {
                String option = optionName();
                expect("=");
                Token value = constant();
                expect(";");
                if (option.equals("allow_alias")) {
                    enumType.getOptionsBuilder().setAllowAlias(Boolean.parseBoolean(value.text()));
                }
            } else if (t.is("reserved")) {
                skipStatement();
            } else if (t.kind() == Kind.IDENT) {
                expect("=");
                int number = signedInt();
                enumType.addValue(
                        EnumValueDescriptorProto.newBuilder().setName(t.text()).setNumber(number));
                if (accept("[")) {
                    skipUntil("]");
                }
                expect(";");
            } else if (!t.is(";")) {
                throw unexpected(t, "an enum value or '}' closing enum " + name.text());
            }
        }
        tokens.next();
        if (enumType.getValueCount() == 0) {
            throw new ParseError(name.line(), "enum " + name.text() + " has no values");
        }
        return enumType.build();
    }

    private void parseReserved(DescriptorProto.Builder message) {
        do {
            Token t = tokens.next();
            if (t.kind() == Kind.STRING) {
                message.addReservedName(t.text());
            } else if (t.kind() == Kind.IDENT
                    && !proto3
                    && Character.isLetter(t.text().charAt(0))
                    && !t.is("max")) {
                message.addReservedName(t.text());
            } else {
                int start = number(t);
                int endInclusive = start;
                if (accept("to")) {
                    Token end = tokens.next();
                    endInclusive = end.is("max") ? 536_870_911 : number(end);
                }
                message.addReservedRange(DescriptorProto.ReservedRange.newBuilder()
                        .setStart(start)
                        .setEnd(endInclusive + 1));
            }
        } while (accept(","));
        expect(";");
    }

    private int fieldNumber() {
        Token t = tokens.next();
        int n = number(t);
        if (n < 1 || n > 536_870_911) {
            throw new ParseError(t.line(), "field number " + n + " out of range 1..536870911");
        }
        return n;
    }

    private int signedInt() {
        boolean negative = accept("-");
        int n = number(tokens.next());
        return negative ? -n : n;
    }

    private static int number(Token t) {
        if (t.kind() != Kind.NUMBER) {
            throw unexpected(t, "a number");
        }
        try {
            String s = t.text();
            if (s.startsWith("0x") || s.startsWith("0X")) {
                return Integer.parseInt(s.substring(2), 16);
            }
            if (s.length() > 1 && s.startsWith("0")) {
                return Integer.parseInt(s.substring(1), 8);
            }
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw new ParseError(t.line(), "invalid integer '" + t.text() + "'");
        }
    }

    /** An option name: {@code name}, {@code (custom.name)} or {@code (custom).sub}. */
    private String optionName() {
        StringBuilder name = new StringBuilder();
        do {
            if (accept("(")) {
                name.append('(')
                        .append(expectKind(Kind.IDENT, "option name").text())
                        .append(')');
                expect(")");
            } else {
                name.append(expectKind(Kind.IDENT, "option name").text());
            }
        } while (tokens.peek().is(".") && name.append(tokens.next().text()) != null);
        return name.toString();
    }

    /** A constant: number (maybe signed), identifier, string, or an aggregate {@code {...}} (skipped). */
    private Token constant() {
        Token t = tokens.next();
        if (t.is("-") || t.is("+")) {
            Token n = tokens.next();
            return new Token(n.kind(), t.text().equals("-") ? "-" + n.text() : n.text(), n.line());
        }
        if (t.is("{")) {
            skipUntil("}");
            return t;
        }
        if (t.kind() == Kind.SYMBOL || t.kind() == Kind.EOF) {
            throw unexpected(t, "a constant");
        }
        return t;
    }

    private void skipStatement() {
        while (true) {
            Token t = tokens.next();
            if (t.is(";")) {
                return;
            }
            if (t.is("{")) {
                skipUntil("}");
            } else if (t.kind() == Kind.EOF) {
                throw unexpected(t, "';'");
            }
        }
    }

    private void skipBlock() {
        while (!tokens.peek().is("{")) {
            if (tokens.next().kind() == Kind.EOF) {
                throw unexpected(tokens.peek(), "'{'");
            }
        }
        tokens.next();
        skipUntil("}");
    }

    /** Skips to the matching close symbol, balancing braces and brackets inside. */
    private void skipUntil(String close) {
        int nesting = 0;
        while (true) {
            Token t = tokens.next();
            if (t.kind() == Kind.EOF) {
                throw unexpected(t, "'" + close + "'");
            }
            if (t.is("{") || t.is("[")) {
                nesting++;
            } else if (t.is("}") || t.is("]")) {
                if (nesting == 0) {
                    return;
                }
                nesting--;
            }
        }
    }

    private void enter(Token at) {
        if (++depth > MAX_DEPTH) {
            throw new ParseError(at.line(), "messages nested deeper than " + MAX_DEPTH);
        }
    }

    private boolean accept(String symbol) {
        if (tokens.peek().is(symbol)) {
            tokens.next();
            return true;
        }
        return false;
    }

    private void expect(String symbol) {
        Token t = tokens.next();
        if (!t.is(symbol)) {
            throw unexpected(t, "'" + symbol + "'");
        }
    }

    private Token expectKind(Kind kind, String what) {
        Token t = tokens.next();
        if (t.kind() != kind) {
            throw unexpected(t, what);
        }
        return t;
    }

    private static ParseError unexpected(Token t, String expected) {
        return new ParseError(t.line(), "expected " + expected + " but found " + t.describe());
    }

    /** protoc's name for a map entry type: {@code tag_counts} becomes {@code TagCounts}. */
    static String camelCase(String name) {
        StringBuilder sb = new StringBuilder(name.length());
        boolean upper = true;
        for (char c : name.toCharArray()) {
            if (c == '_') {
                upper = true;
            } else if (upper) {
                sb.append(Character.toUpperCase(c));
                upper = false;
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
