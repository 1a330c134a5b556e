package dev.xlat64.core;

import org.agrona.MutableDirectBuffer;

/**
 * Where the engine puts what it produces: a translated packet, a fragment of one, or an ICMP error it originates.
 * The data plane writes to the TUN device; tests collect bytes. Called on the packet path: implementations must not
 * allocate.
 */
@FunctionalInterface
public interface PacketSink
{
    void emit(MutableDirectBuffer buffer, int offset, int length);
}
