// Package faultnet makes network faults for tests: a proxy that cuts answers off.
package faultnet

import (
	"io"
	"net"
	"sync/atomic"
	"testing"
)

// CutProxy forwards connections to the server, cutting the first cuts answers off after
// 64 KiB, as a network that drops a connection mid-transfer.
func CutProxy(t testing.TB, target string, cuts int32) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	var left atomic.Int32
	left.Store(cuts)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				up, err := net.Dial("tcp", target)
				if err != nil {
					return
				}
				defer up.Close()
				go io.Copy(up, c)
				if left.Add(-1) >= 0 {
					io.CopyN(c, up, 64<<10)
					return
				}
				io.Copy(c, up)
			}()
		}
	}()
	return "http://" + ln.Addr().String()
}
