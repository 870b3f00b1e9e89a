// Package filelock takes exclusive locks on files without waiting: the
// way one process claims a data folder (the relay's, the embedded
// server's) against another on the same machine.
package filelock
