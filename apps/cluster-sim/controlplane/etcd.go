package main

import (
	"fmt"
	"net"
	"net/url"
	"strconv"
	"time"

	"go.etcd.io/etcd/server/v3/embed"
)

type etcdServer struct {
	*embed.Etcd
	clientURL string
}

// startEtcd runs etcd in this process, listening on loopback only.
func startEtcd(dir, host string) (*etcdServer, error) {
	clientPort, err := freePort(host)
	if err != nil {
		return nil, err
	}
	peerPort, err := freePort(host)
	if err != nil {
		return nil, err
	}
	client := url.URL{Scheme: "http", Host: net.JoinHostPort(host, strconv.Itoa(clientPort))}
	peer := url.URL{Scheme: "http", Host: net.JoinHostPort(host, strconv.Itoa(peerPort))}
	cfg := embed.NewConfig()
	cfg.Name = "vmdeck"
	cfg.Dir = dir
	cfg.ListenClientUrls, cfg.AdvertiseClientUrls = []url.URL{client}, []url.URL{client}
	cfg.ListenPeerUrls, cfg.AdvertisePeerUrls = []url.URL{peer}, []url.URL{peer}
	cfg.InitialCluster = cfg.InitialClusterFromName(cfg.Name)
	cfg.LogLevel = "error"
	// 100,000 VMs with their pods and events outgrow etcd's 2 GiB default quota.
	cfg.QuotaBackendBytes = 8 << 30
	// A demo and test cluster: an fsync per write would make every benchmark measure this
	// disk, and a lost write on a power cut costs nothing here.
	cfg.UnsafeNoFsync = true
	e, err := embed.StartEtcd(cfg)
	if err != nil {
		return nil, err
	}
	select {
	case <-e.Server.ReadyNotify():
	case err := <-e.Err():
		e.Close()
		return nil, err
	case <-time.After(60 * time.Second):
		e.Close()
		return nil, fmt.Errorf("etcd in %s was not ready within 60 s", dir)
	}
	return &etcdServer{Etcd: e, clientURL: client.String()}, nil
}
