package transport

import (
	"encoding/json"
	"log/slog"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/ecotap-tools/ecc/internal/ecctest"
)

// At trace level every frame is logged, and no secret is: neither the
// authorizationKey of a set nor the password part of gsm_APN, in the set
// request or in the get reply.
func TestTraceLogRedactsSecrets(t *testing.T) {
	const (
		authKey  = "ECOTAP-1802500:9N8gGyS8Un7g4lY9dRICK"
		password = "Pw0rdInTheAPN"
	)
	var out ecctest.Buffer
	lg := slog.New(slog.NewTextHandler(&out, &slog.HandlerOptions{Level: LevelTrace}))
	_, c := newFake(t, 4, 8, Options{Logger: lg})
	if _, err := c.Set(testCtx(t), map[string]string{"authorizationKey": authKey, "gsm_APN": "m2mservices,ecc," + password}); err != nil {
		t.Fatal(err)
	}
	vals, _, err := c.Get(testCtx(t), []string{"gsm_APN"})
	if err != nil || len(vals) != 1 || !strings.HasSuffix(vals[0].Value, password) {
		t.Fatalf("get: %+v %v", vals, err)
	}
	if err := c.WaitSaved(testCtx(t)); err != nil {
		t.Fatal(err)
	}
	// The save is logged just after WaitSaved learns of it (same line,
	// another goroutine): wait for the log to say so before reading it.
	for deadline := time.Now().Add(5 * time.Second); !strings.Contains(out.String(), "saved its configuration") && time.Now().Before(deadline); {
		time.Sleep(time.Millisecond)
	}
	log := out.String()
	for _, secret := range []string{authKey, "9N8gGyS8Un7g4lY9dRICK", password} {
		if strings.Contains(log, secret) {
			t.Errorf("the log holds the secret %q:\n%s", secret, log)
		}
	}
	// The frames are there, with what is not secret.
	for _, want := range []string{"level=DEBUG-4", "dir=host>ctl", "dir=ctl>host", "authorizationKey", "m2mservices,ecc,(sensitive)", "(sensitive)", `msg=request`, "op=set", "saved its configuration"} {
		if !strings.Contains(log, want) {
			t.Errorf("the log lacks %q:\n%s", want, log)
		}
	}
}

func TestRedactFrame(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`{"id":4,"op":"set","values":{"authorizationKey":"user:pw","chg_Debug":"0"}}`,
			`{"id":4,"op":"set","values":{"authorizationKey":"(sensitive)","chg_Debug":"0"}}`},
		{`{"id":3,"ok":true,"configurationKey":[{"key":"gsm_APN","readonly":false,"value":"apn,user,pw"}],"unknownKey":[]}`,
			`{"configurationKey":[{"key":"gsm_APN","readonly":false,"value":"apn,user,(sensitive)"}],"id":3,"ok":true,"unknownKey":[]}`},
		{`{"id":3,"ok":true,"configurationKey":[{"key":"gsm_APN","value":17}]}`,
			`{"configurationKey":[{"key":"gsm_APN","value":"(sensitive)"}],"id":3,"ok":true}`},
		{`[2,"ecc-1","ChangeConfiguration",{"key":"AuthorizationKey","value":"0011223344556677"}]`,
			`[2,"ecc-1","ChangeConfiguration",{"key":"AuthorizationKey","value":"(sensitive)"}]`},
		{`[2,"ecc-2","ChangeConfiguration",{"key":"authorizationKey","value":"ops:pw"}]`,
			`[2,"ecc-2","ChangeConfiguration",{"key":"authorizationKey","value":"(sensitive)"}]`},
		{`[3,"ecc-3",{"configurationKey":[{"key":"HeartbeatInterval","readonly":false,"value":"120"},{"key":"gsm_APN","readonly":false,"value":"apn,u,pw"}]}]`,
			`[3,"ecc-3",{"configurationKey":[{"key":"HeartbeatInterval","readonly":false,"value":"120"},{"key":"gsm_APN","readonly":false,"value":"apn,u,(sensitive)"}]}]`},
		{`[2,"b-7","ChangeConfiguration",{"key":"authorizationkey","value":"0011"}]`,
			`[2,"b-7","ChangeConfiguration",{"key":"authorizationkey","value":"(sensitive)"}]`},
		{`[2,"b-8","ChangeConfiguration",{"key":"com_endpoint","value":"wss://u:pw@h/x"}]`,
			`[2,"b-8","ChangeConfiguration",{"key":"com_endpoint","value":"wss://u:(sensitive)@h/x"}]`},
		{`{"id":5,"ok":true,"pending":0}`, `{"id":5,"ok":true,"pending":0}`},
		{`{"id":5,"ok":tr`, `"(unparsable frame)"`},
	} {
		if got := RedactFrame([]byte(tc.in)); got != tc.want {
			t.Errorf("RedactFrame(%s)\n = %s\nwant %s", tc.in, got, tc.want)
		}
	}
}

// FuzzRedactFrame: any frame JSON redacts to valid JSON without a panic,
// and an authorizationKey value in a set never survives.
func FuzzRedactFrame(f *testing.F) {
	f.Add(`{"id":4,"op":"set","values":{"authorizationKey":"user:pw"}}`, "user:pw")
	f.Add(`{"id":3,"ok":true,"configurationKey":[{"key":"gsm_APN","value":"a,b,c"}]}`, "zz")
	f.Add(`[1,{"values":{"x":[]}}]`, "q")
	f.Fuzz(func(t *testing.T, obj, secret string) {
		out := RedactFrame([]byte(obj))
		if !json.Valid([]byte(out)) {
			t.Fatalf("RedactFrame(%q) = %q: not JSON", obj, out)
		}
		if len(secret) < 4 || strings.ContainsAny(secret, `"\`) || !utf8.ValidString(secret) {
			return
		}
		set := `{"id":1,"op":"set","values":{"authorizationKey":"` + secret + `"}}`
		if !json.Valid([]byte(set)) {
			return
		}
		redacted := `{"id":1,"op":"set","values":{"authorizationKey":"(sensitive)"}}`
		if got := RedactFrame([]byte(set)); strings.Contains(got, secret) && !strings.Contains(redacted, secret) {
			t.Fatalf("secret %q survives: %s", secret, got)
		}
	})
}
