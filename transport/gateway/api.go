package gateway

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	stdmaps "maps"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/ecotap-tools/ecc/transport"
)

// maxImage bounds a firmware upload (controller images are about 1 MB);
// maxImages how many distinct images the gateway keeps (a fleet rolls out
// one or two versions at a time; the oldest upload goes first).
const (
	maxImage  = 64 << 20
	maxImages = 8
)

func (g *Gateway) routeAPI() {
	p := transport.GatewayAPI
	g.mux.Handle("GET "+p+"stations", g.auth(g.apiStations))
	g.mux.Handle("GET "+p+"stations/{id}/identity", g.auth(g.withStation(g.apiIdentity)))
	g.mux.Handle("POST "+p+"stations/{id}/get", g.auth(g.withStation(g.apiGet)))
	g.mux.Handle("POST "+p+"stations/{id}/set", g.auth(g.withStation(g.apiSet)))
	g.mux.Handle("POST "+p+"stations/{id}/reset", g.auth(g.withStation(g.apiReset)))
	g.mux.Handle("POST "+p+"stations/{id}/firmware", g.auth(g.withStation(g.apiFirmware)))
	g.mux.Handle("DELETE "+p+"stations/{id}/session", g.auth(g.apiRelease))
	g.mux.Handle("PUT "+p+"firmware/{sha}", g.auth(g.apiUpload))
	g.mux.Handle(p, g.auth(func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "no such endpoint", "")
	}))
}

// auth answers 401, doing nothing, unless the request carries the token
// (the scheme's case is free, RFC 7235 §2.1).
func (g *Gateway) auth(h http.HandlerFunc) http.Handler {
	want := []byte(g.opts.Token)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		scheme, tok, _ := strings.Cut(r.Header.Get("Authorization"), " ")
		if g.opts.Token == "" || !strings.EqualFold(scheme, "Bearer") || subtle.ConstantTimeCompare([]byte(strings.TrimSpace(tok)), want) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="ecc gateway"`)
			writeError(w, http.StatusUnauthorized, "missing or wrong bearer token", "")
			return
		}
		h(w, r)
	})
}

type stationHandler func(w http.ResponseWriter, r *http.Request, st *station)

// withStation finds the station on this instance and holds its operation
// lock; a station held by another instance is answered with the holder.
func (g *Gateway) withStation(h stationHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id := r.PathValue("id")
		session := r.Header.Get(transport.GatewaySessionHeader)
		busy := func(since time.Time) {
			writeError(w, http.StatusConflict, fmt.Sprintf("station %s is in use by another ecc run (since %s); try again when it is done", id, since.Local().Format(time.TimeOnly)), "")
		}
		st, ok := g.lookup(id)
		if !ok || st.current() == nil {
			// Away during another run's reboot: still that run's.
			if ok {
				if since, held := st.heldByOther(session, time.Now(), g.opts.HoldIdle); held {
					busy(since)
					return
				}
			}
			if in, ok, _ := g.opts.Registry.Lookup(r.Context(), id); ok && in != g.opts.Instance {
				writeError(w, http.StatusMisdirectedRequest, "station "+id+" is held by another gateway instance", in)
				return
			}
			writeError(w, http.StatusNotFound, "station "+id+" is not connected", "")
			return
		}
		done, since, err := st.hold(session, time.Now(), g.opts.HoldIdle)
		if err != nil {
			busy(since)
			return
		}
		defer done()
		unlock, err := st.lockOp(r.Context())
		if err != nil {
			return
		}
		defer unlock()
		h(w, r, st)
	}
}

// apiRelease lets go of a station the caller's run holds (its controller
// closed), so that the next run need not wait GatewayHoldIdle.
func (g *Gateway) apiRelease(w http.ResponseWriter, r *http.Request) {
	if st, ok := g.lookup(r.PathValue("id")); ok {
		st.release(r.Header.Get(transport.GatewaySessionHeader))
	}
	w.WriteHeader(http.StatusNoContent)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, status int, msg, holder string) {
	writeJSON(w, status, transport.GatewayError{Error: msg, Holder: holder})
}

// fail maps an operation's error to a status: not connected 404, a
// station that does not answer 504, anything else 502.
func fail(w http.ResponseWriter, err error) {
	var we *transport.WriteRefusedError
	switch {
	case errors.As(err, &we):
		writeError(w, http.StatusForbidden, err.Error(), "")
	case errors.Is(err, errNotConnected):
		writeError(w, http.StatusNotFound, err.Error(), "")
	case errors.Is(err, errTimeout), errors.Is(err, context.DeadlineExceeded):
		writeError(w, http.StatusGatewayTimeout, err.Error(), "")
	default:
		writeError(w, http.StatusBadGateway, err.Error(), "")
	}
}

func decodeBody(w http.ResponseWriter, r *http.Request, v any) bool {
	if err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(v); err != nil {
		writeError(w, http.StatusBadRequest, "bad request body: "+err.Error(), "")
		return false
	}
	return true
}

func (g *Gateway) apiStations(w http.ResponseWriter, r *http.Request) {
	g.mu.Lock()
	sts := make([]*station, 0, len(g.stations))
	for _, st := range g.stations {
		sts = append(sts, st)
	}
	g.mu.Unlock()
	out := []transport.GatewayStation{}
	for _, st := range sts {
		if in, ok := st.info(); ok {
			out = append(out, in)
		}
	}
	slices.SortFunc(out, func(a, b transport.GatewayStation) int { return strings.Compare(a.ChargeBoxID, b.ChargeBoxID) })
	writeJSON(w, http.StatusOK, out)
}

// reply answers an operation: its result, or its error mapped by fail.
func reply(w http.ResponseWriter, v any, err error) {
	if err != nil {
		fail(w, err)
		return
	}
	writeJSON(w, http.StatusOK, v)
}

func (g *Gateway) apiIdentity(w http.ResponseWriter, r *http.Request, st *station) {
	id, err := g.identity(r.Context(), st)
	reply(w, id, err)
}

func (g *Gateway) apiGet(w http.ResponseWriter, r *http.Request, st *station) {
	var req transport.GatewayGetRequest
	if !decodeBody(w, r, &req) {
		return
	}
	out, err := g.get(r.Context(), st, req.Keys)
	reply(w, out, err)
}

func (g *Gateway) apiSet(w http.ResponseWriter, r *http.Request, st *station) {
	var req transport.GatewaySetRequest
	if !decodeBody(w, r, &req) {
		return
	}
	g.opts.Log.Info("writing keys", "station", st.id, "keys", slices.Sorted(stdmaps.Keys(req.Values)))
	status, err := g.set(r.Context(), st, req.Values)
	var we *transport.WriteRefusedError
	if errors.As(err, &we) {
		fail(w, err)
		return
	}
	resp := transport.GatewaySetResponse{Status: status}
	if err != nil {
		resp.Error = err.Error()
	}
	writeJSON(w, http.StatusOK, resp)
}

func (g *Gateway) apiReset(w http.ResponseWriter, r *http.Request, st *station) {
	g.opts.Log.Info("reset", "station", st.id)
	id, err := g.reset(r.Context(), st)
	reply(w, id, err)
}

// apiFirmware streams the update as NDJSON: one line per firmware status,
// then the identity the station boots with, or an error.
func (g *Gateway) apiFirmware(w http.ResponseWriter, r *http.Request, st *station) {
	var req transport.GatewayFirmwareRequest
	if !decodeBody(w, r, &req) {
		return
	}
	g.opts.Log.Info("firmware update", "station", st.id, "version", req.Version)
	w.Header().Set("Content-Type", "application/x-ndjson")
	w.WriteHeader(http.StatusOK)
	enc := json.NewEncoder(w)
	flush := func() {
		if f, ok := w.(http.Flusher); ok {
			f.Flush()
		}
	}
	id, err := g.firmware(r.Context(), st, strings.ToLower(req.SHA256), req.Version, func(status string) {
		_ = enc.Encode(transport.GatewayFirmwareEvent{Status: status})
		flush()
	})
	ev := transport.GatewayFirmwareEvent{Identity: &id}
	if err != nil {
		ev = transport.GatewayFirmwareEvent{Error: err.Error()}
		if id.Firmware != "" {
			ev.Identity = &id // it booted: ecc says with what
		}
	}
	_ = enc.Encode(ev)
	flush()
}

// apiUpload keeps an image under its sha256 for stations to download.
func (g *Gateway) apiUpload(w http.ResponseWriter, r *http.Request) {
	sha := strings.ToLower(r.PathValue("sha"))
	b, err := io.ReadAll(io.LimitReader(r.Body, maxImage+1))
	if err != nil || len(b) > maxImage {
		writeError(w, http.StatusBadRequest, "image unreadable or too large", "")
		return
	}
	sum := sha256.Sum256(b)
	if hex.EncodeToString(sum[:]) != sha {
		writeError(w, http.StatusBadRequest, "image does not match its sha256", "")
		return
	}
	g.mu.Lock()
	if _, ok := g.images[sha]; !ok {
		g.imageOrder = append(g.imageOrder, sha)
		if len(g.imageOrder) > maxImages {
			delete(g.images, g.imageOrder[0])
			g.imageOrder = g.imageOrder[1:]
		}
	}
	g.images[sha] = b
	g.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
}

func (g *Gateway) hasImage(sha string) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	_, ok := g.images[sha]
	return ok
}

// serveImage lets a station download an uploaded image by its sha256; it
// needs no token (stations cannot send one) and serves only images ecc
// uploaded, under names nobody can guess without the image.
func (g *Gateway) serveImage(w http.ResponseWriter, r *http.Request) {
	sha := strings.TrimSuffix(r.PathValue("file"), ".bin")
	g.mu.Lock()
	b, ok := g.images[sha]
	g.mu.Unlock()
	if !ok {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	_, _ = w.Write(b)
}
