package dev.lmsbench.client;

import org.junit.jupiter.api.Test;

import java.net.URI;

import static org.assertj.core.api.Assertions.assertThat;

class EndpointsTest {

    @Test
    void normalizesTheBaseUrlForTheServerIdentity() {
        assertThat(Endpoints.normalizedBaseUrl("HTTP://LocalHost:1234/v1")).isEqualTo("http://localhost:1234");
        assertThat(Endpoints.normalizedBaseUrl("http://localhost:1234")).isEqualTo("http://localhost:1234");
        assertThat(Endpoints.normalizedBaseUrl("http://h/v1")).isEqualTo("http://h:80");
        assertThat(Endpoints.normalizedBaseUrl("https://h/proxy/api/v0")).isEqualTo("https://h:443/proxy");
        assertThat(Endpoints.normalizedBaseUrl("https://h:8443/api/v1")).isEqualTo("https://h:8443");
        assertThat(Endpoints.normalizedBaseUrl("http://user:pw@h:8000/openai")).isEqualTo("http://h:8000/openai");
        assertThat(Endpoints.normalizedBaseUrl("http://[::1]:1234/v1")).isEqualTo("http://[::1]:1234");
    }

    @Test
    void appendsEndpointsToABaseUrlWithAPathAsGiven() {
        assertThat(uris(new Endpoints("http://host:8000/v1"), "/chat/completions"))
                .containsExactly("http://host:8000/v1/chat/completions");
        assertThat(uris(new Endpoints("http://host/proxy/v1"), "/models"))
                .containsExactly("http://host/proxy/v1/models");
        assertThat(uris(new Endpoints("http://host/openai"), "/models")).containsExactly("http://host/openai/models");
    }

    @Test
    void triesV1ThenNoPrefixForABaseUrlWithoutPath() {
        assertThat(uris(new Endpoints("http://localhost:1234"), "/models"))
                .containsExactly("http://localhost:1234/v1/models", "http://localhost:1234/models");
    }

    @Test
    void remembersThePrefixThatWorkedForEveryEndpoint() {
        Endpoints endpoints = new Endpoints("http://localhost:1234");
        endpoints.succeeded(endpoints.targets("/chat/completions").get(1));
        assertThat(uris(endpoints, "/chat/completions")).containsExactly("http://localhost:1234/chat/completions");
        assertThat(uris(endpoints, "/models")).containsExactly("http://localhost:1234/models");
    }

    @Test
    void keepsTheFirstPrefixThatWorked() {
        Endpoints endpoints = new Endpoints("http://localhost:1234");
        endpoints.succeeded(endpoints.targets("/models").get(0));
        endpoints.succeeded(new Endpoints.Target("", URI.create("http://localhost:1234/models")));
        assertThat(uris(endpoints, "/models")).containsExactly("http://localhost:1234/v1/models");
    }

    @Test
    void putsLmStudioNativePathsBesideV1AndKeepsAProxyPrefix() {
        assertThat(new Endpoints("http://localhost:1234").nativeUri("/api/v1/models"))
                .hasToString("http://localhost:1234/api/v1/models");
        assertThat(new Endpoints("http://localhost:1234/v1").nativeUri("/api/v0/models"))
                .hasToString("http://localhost:1234/api/v0/models");
        assertThat(new Endpoints("http://host/lmstudio/v1").nativeUri("/api/v1/chat"))
                .hasToString("http://host/lmstudio/api/v1/chat");
    }

    private static java.util.List<String> uris(Endpoints endpoints, String endpoint) {
        return endpoints.targets(endpoint).stream().map(t -> t.uri().toString()).toList();
    }
}
