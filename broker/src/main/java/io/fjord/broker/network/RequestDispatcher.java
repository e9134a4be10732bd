package io.fjord.broker.network;

import io.fjord.common.Errors;
import io.fjord.protocol.ApiKeys;
import io.fjord.protocol.ApiMessage;
import io.fjord.protocol.message.ApiVersionsResponse;
import java.util.EnumMap;
import java.util.Map;

/**
 * The table of APIs this broker answers: for each key, the version range it advertises and the handler.
 * Built once at start-up, then read-only (safe from any thread).
 */
public final class RequestDispatcher {

    /** One API the broker serves. */
    public record Api(ApiKeys key, short minVersion, short maxVersion, RequestHandler handler) {}

    private final Map<ApiKeys, Api> apis = new EnumMap<>(ApiKeys.class);

    public RequestDispatcher register(ApiKeys key, int minVersion, int maxVersion, RequestHandler handler) {
        if (minVersion > maxVersion || maxVersion > key.highestVersion()) {
            throw new IllegalArgumentException(key + " versions " + minVersion + "-" + maxVersion
                    + " outside the spec's " + key.lowestVersion() + "-" + key.highestVersion());
        }
        apis.put(key, new Api(key, (short) minVersion, (short) maxVersion, handler));
        return this;
    }

    boolean isEnabled(ApiKeys key) {
        return apis.containsKey(key);
    }

    /**
     * Whether requests of this version are parsed and served. Produce versions below the spec's lowest
     * are advertised for librdkafka's sake (PROTOCOL-NOTES.md) but never parsed.
     */
    boolean supports(ApiKeys key, short version) {
        Api api = apis.get(key);
        return api != null && version >= Math.max(api.minVersion(), key.lowestVersion()) && version <= api.maxVersion();
    }

    RequestHandler handler(ApiKeys key) {
        Api api = apis.get(key);
        if (api == null) {
            throw new IllegalStateException("no handler for " + key);
        }
        return api.handler();
    }

    /** The advertised ranges, as ApiVersions reports them. */
    public ApiVersionsResponse apiVersionsResponse(Errors error) {
        ApiVersionsResponse response = new ApiVersionsResponse().setErrorCode(error.code());
        for (Api api : apis.values()) {
            response.apiKeys()
                    .add(new ApiVersionsResponse.ApiVersion()
                            .setApiKey(api.key().id())
                            .setMinVersion(api.minVersion())
                            .setMaxVersion(api.maxVersion()));
        }
        return response;
    }

    ApiMessage unsupportedApiVersionsResponse() {
        return apiVersionsResponse(Errors.UNSUPPORTED_VERSION);
    }
}
