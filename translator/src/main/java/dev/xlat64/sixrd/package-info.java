/**
 * The 6rd mechanism (RFC 5969): the 6rd domain mapping + the 6in4 transform + the BR/CE relay policy, and the
 * relay of ICMPv4 errors (RFC 4213 s.3.4). May import {@code packet}, {@code addr}, {@code core} and the transforms.
 */
package dev.xlat64.sixrd;
