package dev.xlat64.packet;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** RFC 8200 s.4: the extension-header walk shared by the 6->4 translation and the ICMPv6 error originator. */
class Ipv6ExtensionHeadersTest
{
    private final Ipv6ExtensionHeaders chain = new Ipv6ExtensionHeaders();

    @Test
    void walksHopByHopRoutingAndFragmentToTheUpperLayer()
    {
        // Hop-by-hop (8 bytes) -> routing (24 bytes, segments left 2) -> fragment (offset 0) -> UDP.
        final byte[] b = new byte[8 + 24 + 8 + 8];
        b[0] = 43;
        b[8] = 44;
        b[9] = 2;
        b[11] = 2;
        b[32] = 17;
        final UnsafeBuffer buffer = new UnsafeBuffer(b);
        assertTrue(chain.walk(buffer, 0, 0, b.length));
        assertEquals(17, chain.upperLayerProtocol());
        assertEquals(40, chain.upperLayerOffset());
        assertEquals(32, chain.fragmentHeaderOffset());
        assertEquals(8, chain.routingHeaderOffset());
        assertEquals(11, Ipv6ExtensionHeaders.segmentsLeftField(chain.routingHeaderOffset()));
    }

    @Test
    void routingHeaderWithoutSegmentsLeftIsNotRecorded()
    {
        final byte[] b = new byte[8 + 8];
        b[0] = 6;
        final UnsafeBuffer buffer = new UnsafeBuffer(b);
        assertTrue(chain.walk(buffer, 0, 43, b.length));
        assertEquals(6, chain.upperLayerProtocol());
        assertEquals(8, chain.upperLayerOffset());
        assertEquals(-1, chain.routingHeaderOffset());
        assertEquals(-1, chain.fragmentHeaderOffset());
    }

    @Test
    void aChainRunningPastTheEndIsRefused()
    {
        final byte[] b = new byte[16];
        b[0] = 6;
        b[1] = 2; // 24 bytes announced, 16 there
        assertFalse(chain.walk(new UnsafeBuffer(b), 0, 60, b.length));
        assertFalse(chain.walk(new UnsafeBuffer(b), 0, 0, 4));
    }

    @Test
    void anUpperLayerProtocolEndsTheWalkAtOnce()
    {
        assertTrue(chain.walk(new UnsafeBuffer(new byte[0]), 0, 58, 0));
        assertEquals(58, chain.upperLayerProtocol());
        assertEquals(0, chain.upperLayerOffset());
    }
}
