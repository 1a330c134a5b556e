package dev.xlat64.metrics;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/** Serves {@code GET /metrics} in the Prometheus text format on one address (loopback unless configured). */
public final class MetricsServer implements AutoCloseable
{
    private final HttpServer server;

    public MetricsServer(final InetSocketAddress address, final Metrics metrics) throws IOException
    {
        this(address, metrics::scrape);
    }

    /**
     * Serves whatever {@code scrape} returns (e.g. a PrometheusMeterRegistry's own scrape, as the DNS64 alone does).
     */
    public MetricsServer(final InetSocketAddress address, final Supplier<String> scrape) throws IOException
    {
        server = HttpServer.create(address, 16);
        server.createContext("/metrics", exchange ->
        {
            final byte[] body = scrape.get().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody())
            {
                out.write(body);
            }
        });
        server.createContext("/", exchange ->
        {
            final byte[] body = "xlat64: metrics at /metrics\n".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(exchange.getRequestURI().getPath().equals("/") ? 200 : 404, body.length);
            try (OutputStream out = exchange.getResponseBody())
            {
                out.write(body);
            }
        });
        server.start();
    }

    public InetSocketAddress address()
    {
        return server.getAddress();
    }

    @Override
    public void close()
    {
        server.stop(0);
    }
}
