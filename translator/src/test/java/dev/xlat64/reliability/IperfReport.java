package dev.xlat64.reliability;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The few facts the reliability tests need from {@code iperf3 -J} output, read with patterns (the test classpath has
 * no JSON library and needs none for this).
 */
final class IperfReport
{
    /** The top-level "end" object (inside intervals, "end" is a number). */
    private static final Pattern END = Pattern.compile("\"end\":\\s*\\{");
    private static final Pattern ERROR = Pattern.compile("\"error\":\\s*\"([^\"]*)\"");
    private static final Pattern INTERVAL_STREAM_BYTES =
        Pattern.compile("\"socket\":\\s*(\\d+),[^{}]*?\"bytes\":\\s*(\\d+)");
    private static final Pattern SUM_SENT =
        Pattern.compile("\"sum_sent\":\\s*\\{[^}]*?\"bytes\":\\s*(\\d+)[^}]*?\"retransmits\":\\s*(\\d+)");
    private static final Pattern SUM_RECEIVED = Pattern.compile("\"sum_received\":\\s*\\{[^}]*?\"bytes\":\\s*(\\d+)");
    private static final Pattern UDP_SUM = Pattern.compile(
        "\"sum\":\\s*\\{[^}]*?\"bytes\":\\s*(\\d+)[^}]*?\"lost_packets\":\\s*(\\d+)[^}]*?\"packets\":\\s*(\\d+)");

    String error;
    int streams;
    long bytes;
    long receivedBytes;
    long retransmits;
    int streamsSilentAtTheEnd;
    long udpPackets = -1;
    long udpLost = -1;

    static IperfReport parse(final String json)
    {
        final IperfReport r = new IperfReport();
        final Matcher e = ERROR.matcher(json);
        if (e.find())
        {
            r.error = e.group(1);
        }
        final int intervalsAt = json.indexOf("\"intervals\"");
        final Matcher endObject = END.matcher(json);
        final int endAt = endObject.find() ? endObject.start() : -1;
        if (intervalsAt >= 0 && endAt > intervalsAt)
        {
            // Per interval, each stream's bytes; a stream silent in all of the last three intervals did not survive.
            final String intervals = json.substring(intervalsAt, endAt);
            final List<long[]> samples = new ArrayList<>();
            final Matcher m = INTERVAL_STREAM_BYTES.matcher(intervals);
            while (m.find())
            {
                samples.add(new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))});
            }
            final List<Long> sockets = new ArrayList<>();
            for (final long[] s : samples)
            {
                if (!sockets.contains(s[0]))
                {
                    sockets.add(s[0]);
                }
            }
            r.streams = sockets.size();
            for (final long socket : sockets)
            {
                final List<Long> bytes = new ArrayList<>();
                for (final long[] s : samples)
                {
                    if (s[0] == socket)
                    {
                        bytes.add(s[1]);
                    }
                }
                final List<Long> last = bytes.subList(Math.max(0, bytes.size() - 3), bytes.size());
                if (last.stream().allMatch(b -> b == 0))
                {
                    r.streamsSilentAtTheEnd++;
                }
            }
            final String end = json.substring(endAt);
            final Matcher sent = SUM_SENT.matcher(end);
            if (sent.find())
            {
                r.bytes = Long.parseLong(sent.group(1));
                r.retransmits = Long.parseLong(sent.group(2));
            }
            final Matcher received = SUM_RECEIVED.matcher(end);
            if (received.find())
            {
                r.receivedBytes = Long.parseLong(received.group(1));
            }
            final Matcher udp = UDP_SUM.matcher(end);
            if (udp.find())
            {
                r.udpLost = Long.parseLong(udp.group(2));
                r.udpPackets = Long.parseLong(udp.group(3));
            }
        }
        return r;
    }
}
