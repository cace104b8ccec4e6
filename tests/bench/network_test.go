package main

import (
	"bytes"
	"io"
	"math/rand/v2"
	"net"
	"testing"
	"time"
)

// The delayer hands on every byte, in order, and no sooner than the round
// trip it adds; closing the client ends the server's side too.
func TestDelayerCarriesBytesLate(t *testing.T) {
	echo, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer echo.Close()
	serverDone := make(chan error, 1)
	go func() {
		c, err := echo.Accept()
		if err != nil {
			serverDone <- err
			return
		}
		_, err = io.Copy(c, c) // until the client's side closes
		c.Close()
		serverDone <- err
	}()
	const roundTrip = 20 * time.Millisecond
	d, through, err := startDelayer("postgres://u@"+echo.Addr().String()+"/db", roundTrip)
	if err != nil {
		t.Fatal(err)
	}
	defer d.close()
	if through == "postgres://u@"+echo.Addr().String()+"/db" {
		t.Fatalf("the URL still names the server: %s", through)
	}
	c, err := net.Dial("tcp", d.ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	sent := make([]byte, 4*slots*slotSize) // more than the buffers in flight
	for i := range sent {
		sent[i] = byte(rand.IntN(256))
	}
	start := time.Now()
	go func() { c.Write(sent) }()
	got := make([]byte, len(sent))
	if _, err := io.ReadFull(c, got); err != nil {
		t.Fatal(err)
	}
	if took := time.Since(start); took < roundTrip {
		t.Errorf("the echo came back after %v, sooner than the %v round trip", took, roundTrip)
	}
	if !bytes.Equal(got, sent) {
		t.Error("the bytes came back changed or out of order")
	}
	c.Close()
	select {
	case err := <-serverDone:
		if err != nil {
			t.Errorf("the server's side ended with %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Error("closing the client did not end the server's side")
	}
}

func TestDelayerWantsAURL(t *testing.T) {
	if _, _, err := startDelayer("host=localhost dbname=x", time.Millisecond); err == nil {
		t.Error("a key=value connection string was taken")
	}
}
