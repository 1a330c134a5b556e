/**
 * Running as a service: systemd notification, pidfile, kernel routes (rtnetlink). May import the engine layer and
 * below.
 */
package dev.xlat64.service;
