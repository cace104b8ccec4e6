package main

import (
	"fmt"
	"net"
	"net/url"
	"sync"
	"time"
)

// delayer stands for a network between the client and PostgreSQL: a TCP
// proxy that hands on every byte half a round trip after it arrived, in
// each direction (bandwidth stays loopback's). Its buffers are made when
// a connection opens, so that a run's allocations and heap are the way's
// alone.
type delayer struct {
	ln     net.Listener
	target string
	oneWay time.Duration
}

// Each direction of a connection has slots buffers of slotSize bytes in
// flight at most: 512 KB per half round trip, more than a run sends.
const (
	slots    = 16
	slotSize = 32 << 10
)

// startDelayer listens on loopback and forwards to the server of dbURL,
// adding roundTrip to every round trip. It returns dbURL as it reaches
// the server through the delayer.
func startDelayer(dbURL string, roundTrip time.Duration) (*delayer, string, error) {
	u, err := url.Parse(dbURL)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") || u.Host == "" {
		return nil, "", fmt.Errorf("-latency needs the database as a postgres://host:port/... URL")
	}
	target := u.Host
	if u.Port() == "" {
		target = net.JoinHostPort(u.Hostname(), "5432")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, "", err
	}
	d := &delayer{ln: ln, target: target, oneWay: roundTrip / 2}
	go d.serve()
	u.Host = ln.Addr().String()
	return d, u.String(), nil
}

func (d *delayer) close() { d.ln.Close() }

func (d *delayer) serve() {
	for {
		client, err := d.ln.Accept()
		if err != nil {
			return
		}
		go d.carry(client)
	}
}

// carry joins a client to the server until either side closes.
func (d *delayer) carry(client net.Conn) {
	server, err := net.Dial("tcp", d.target)
	if err != nil {
		client.Close()
		return
	}
	var wg sync.WaitGroup
	wg.Go(func() { d.pipe(server, client) })
	d.pipe(client, server)
	wg.Wait()
}

// pipe copies src to dst, each read handed on oneWay after it arrived.
// When either side fails, it closes both, which ends the other pipe too.
func (d *delayer) pipe(dst, src net.Conn) {
	type chunk struct {
		b   []byte
		due time.Time
	}
	free := make(chan []byte, slots)
	for range slots {
		free <- make([]byte, slotSize)
	}
	arrived := make(chan chunk, slots)
	done := make(chan struct{})
	defer func() {
		close(done)
		src.Close()
		dst.Close()
	}()
	go func() {
		defer close(arrived)
		for {
			var b []byte
			select {
			case b = <-free:
			case <-done:
				return
			}
			n, err := src.Read(b)
			if n > 0 {
				select {
				case arrived <- chunk{b[:n], time.Now().Add(d.oneWay)}:
				case <-done:
					return
				}
			}
			if err != nil {
				return
			}
		}
	}()
	preciseSleeps()
	for c := range arrived {
		sleepUntil(c.due)
		if _, err := dst.Write(c.b); err != nil {
			return
		}
		free <- c.b[:cap(c.b)]
	}
}
