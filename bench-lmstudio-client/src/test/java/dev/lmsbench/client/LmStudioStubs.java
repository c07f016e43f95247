package dev.lmsbench.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Loads the LM Studio contract stubs from {@code src/test/resources/contracts/lmstudio/}: one WireMock mapping file
 * per endpoint, {@code {"mappings":[...]}}, each mapping citing its documentation page in {@code metadata.source}.
 */
final class LmStudioStubs {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private LmStudioStubs() {
    }

    /** Registers every mapping of a contract file. */
    static void register(WireMockExtension server, String file) {
        for (JsonNode mapping : mappings(file)) {
            server.addStubMapping(StubMapping.buildFrom(mapping.toString()));
        }
    }

    /** The mappings of a contract file. */
    static JsonNode mappings(String file) {
        try {
            return MAPPER.readTree(Contracts.text("lmstudio/" + file)).path("mappings");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
