package dev.xlat64.dns64;

import dev.xlat64.config.ConfigFile;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SimpleResolver;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;

/** A DNS64 server on 127.0.0.1:random in front of a {@link FakeUpstream}, queried with dnsjava. */
final class Harness implements AutoCloseable
{
    final FakeUpstream upstream;
    final Server server;
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    Harness(final FakeUpstream.Script script, final String extraToml) throws IOException
    {
        upstream = new FakeUpstream(script);
        final ConfigFile file = ConfigFile.parse("test.toml", "[translator]\nprefix = \"2001:db8:64::/96\"\n[dns64]\n" +
            "listen = [\"127.0.0.1:0\"]\nupstream = [\"" + upstream.address() + "\"]\n" +
            (extraToml.contains("timeout-ms") ? "" : "timeout-ms = 200\n") + extraToml);
        final Dns64Config config = Dns64Config.load(file, new Dns64Config.Overrides());
        if (config == null)
        {
            throw new IllegalArgumentException(file.errors().toString());
        }
        server = Server.start(config, registry);
    }

    Harness(final FakeUpstream.Script script) throws IOException
    {
        this(script, "");
    }

    InetSocketAddress address()
    {
        return server.udpAddresses().get(0);
    }

    SimpleResolver resolver(final boolean tcp)
    {
        final SimpleResolver r = new SimpleResolver(address());
        r.setTCP(tcp);
        r.setTimeout(Duration.ofSeconds(3));
        r.setIgnoreTruncation(true);
        return r;
    }

    Message query(final String name, final int type) throws IOException
    {
        return resolver(false).send(Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN)));
    }

    Message send(final Message query, final boolean tcp) throws IOException
    {
        return resolver(tcp).send(query);
    }

    static Name name(final String text)
    {
        return LocalAnswers.name(text);
    }

    @Override
    public void close() throws IOException
    {
        server.close();
        upstream.close();
    }
}
