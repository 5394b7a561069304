package ocpp

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

func ptr[T any](v T) *T { return &v }

// TestSchemasCoverEveryMessage validates, against the embedded official
// schemas, one payload of every message ecc sends (the gateway's calls and
// its answers as a central system) and receives, built from the typed
// structs the gateway uses.
func TestSchemasCoverEveryMessage(t *testing.T) {
	now := "2026-12-02T10:00:00Z"
	msgs := map[string][2]any{ // action: request, confirmation
		ActionBootNotification: {
			BootNotificationReq{ChargePointVendor: "Ecotap", ChargePointModel: "EVC5.1", ChargeBoxSerialNumber: "EVC5-0001", FirmwareVersion: "V32R17"},
			BootNotificationConf{Status: RegistrationAccepted, CurrentTime: now, Interval: 300},
		},
		ActionHeartbeat:          {HeartbeatReq{}, HeartbeatConf{CurrentTime: now}},
		ActionStatusNotification: {StatusNotificationReq{ConnectorID: 1, ErrorCode: "NoError", Status: "Available", Timestamp: now}, Empty{}},
		ActionGetConfiguration: {
			GetConfigurationReq{Key: []string{"HeartbeatInterval", "chg_RatedCurrent"}},
			GetConfigurationConf{ConfigurationKey: []KeyValue{{Key: "HeartbeatInterval", Value: ptr("300")}, {Key: "gsm_SigQ", Readonly: true}}, UnknownKey: []string{"x"}},
		},
		ActionChangeConfiguration:           {ChangeConfigurationReq{Key: "HeartbeatInterval", Value: "120"}, StatusConf{Status: "RebootRequired"}},
		ActionReset:                         {ResetReq{Type: ResetSoft}, StatusConf{Status: StatusAccepted}},
		ActionTriggerMessage:                {TriggerMessageReq{RequestedMessage: ActionBootNotification}, StatusConf{Status: StatusAccepted}},
		ActionUpdateFirmware:                {UpdateFirmwareReq{Location: "http://127.0.0.1:8080/ecc/v1/firmware/abc.bin", RetrieveDate: now}, Empty{}},
		ActionFirmwareStatusNotification:    {FirmwareStatusNotificationReq{Status: FirmwareInstalling}, Empty{}},
		ActionMeterValues:                   {json.RawMessage(`{"connectorId":1,"meterValue":[{"timestamp":"` + now + `","sampledValue":[{"value":"12.5","measurand":"Energy.Active.Import.Register"}]}]}`), Empty{}},
		ActionDiagnosticsStatusNotification: {json.RawMessage(`{"status":"Idle"}`), Empty{}},
	}
	if len(msgs) != len(Actions) {
		t.Fatalf("%d actions tested, %d embedded", len(msgs), len(Actions))
	}
	for _, a := range Actions {
		m, ok := msgs[a]
		if !ok {
			t.Errorf("%s: not tested", a)
			continue
		}
		for i, v := range m {
			b, err := json.Marshal(v)
			if err != nil {
				t.Fatal(err)
			}
			if err := Validate(a, i == 1, b); err != nil {
				t.Errorf("%s (response %v): %v", a, i == 1, err)
			}
		}
	}
}

func TestValidateMapsRulesToErrorCodes(t *testing.T) {
	tests := []struct {
		action   string
		response bool
		payload  string
		want     ErrorCode
	}{
		{ActionBootNotification, false, `{"chargePointVendor":"E","chargePointModel":5}`, TypeConstraintViolation},
		{ActionBootNotification, false, `{"chargePointVendor":"E"}`, OccurenceConstraintViolation},
		{ActionBootNotification, false, `{"chargePointVendor":"E","chargePointModel":"M","x":1}`, FormationViolation},
		{ActionBootNotification, false, `{"chargePointVendor":"E","chargePointModel":"123456789012345678901234567890123456789012345678901"}`, PropertyConstraintViolation},
		{ActionFirmwareStatusNotification, false, `{"status":"Exploded"}`, PropertyConstraintViolation},
		{ActionChangeConfiguration, true, `{"status":"Maybe"}`, PropertyConstraintViolation},
		{ActionStatusNotification, false, `{"connectorId":1,"errorCode":"NoError","status":"Available","timestamp":"yesterday"}`, PropertyConstraintViolation},
		{ActionHeartbeat, false, `[]`, TypeConstraintViolation},
		{ActionHeartbeat, false, `{`, FormationViolation},
		{"RemoteStartTransaction", false, `{}`, NotImplemented},
	}
	for _, tt := range tests {
		err := Validate(tt.action, tt.response, []byte(tt.payload))
		var v *Violation
		if !errors.As(err, &v) || v.Code != tt.want {
			t.Errorf("%s %s: %v, want %s", tt.action, tt.payload, err, tt.want)
		}
	}
}

func TestViolationNeverQuotesTheValue(t *testing.T) {
	err := Validate(ActionChangeConfiguration, false, []byte(`{"key":"authorizationKey","value":17}`))
	if err == nil {
		t.Fatal("accepted a number as value")
	}
	err = Validate(ActionFirmwareStatusNotification, false, []byte(`{"status":"s3cr3t-value"}`))
	if err == nil || strings.Contains(err.Error(), "s3cr3t") {
		t.Fatalf("error quotes the value: %v", err)
	}
}
