package rest_test

import (
	"net/http"
	"testing"
)

// An administrator's layout changes over REST: a create answers 200 with
// its Location, the default answers as "default" and is changed but never
// deleted (403 by id, 405 by name, as the reference says), and bad bodies
// are refused with the reference's error types.
func TestLayoutWrites(t *testing.T) {
	e := newEnv(t)
	const orders = `<MediaPropertiesLayout><name>Orders</name><description>order desk</description>` +
		`<header><entry><displayName>Order</displayName><mediaProperty>callVariable1</mediaProperty><showInPopOver>true</showInPopOver><uiEditable>false</uiEditable></entry></header>` +
		`<column><entry><displayName>Account</displayName><mediaProperty>user.account</mediaProperty></entry></column></MediaPropertiesLayout>`
	r := e.do(http.MethodPost, "admin", "/finesse/api/MediaPropertiesLayout", orders)
	wantStatus(t, r, http.StatusOK)
	loc := r.header.Get("Location")
	if loc != "/finesse/api/MediaPropertiesLayout/2" {
		t.Fatalf("Location %q", loc)
	}
	l := parseOK(t, e.get("admin", loc), "MediaPropertiesLayout")
	if l.SelectElement("type").Text() != "CUSTOM" || l.FindElement("column/entry/mediaProperty").Text() != "user.account" {
		t.Fatalf("created layout reads back wrong")
	}
	wantAPIError(t, e.do(http.MethodPost, "admin", "/finesse/api/MediaPropertiesLayout", orders), http.StatusBadRequest, "Finesse API Error", "name")
	wantAPIError(t, e.do(http.MethodPost, "1001", "/finesse/api/MediaPropertiesLayout", orders), http.StatusUnauthorized, "Authorization Failure", "1001")

	renamed := `<MediaPropertiesLayout><name>Call data</name><column><entry><displayName>Order</displayName><mediaProperty>callVariable1</mediaProperty></entry></column></MediaPropertiesLayout>`
	wantStatus(t, e.put("admin", "/finesse/api/MediaPropertiesLayout/default", renamed), http.StatusOK)
	d := parseOK(t, e.get("1001", "/finesse/api/User/1001/MediaPropertiesLayout"), "MediaPropertiesLayout")
	if d.SelectElement("name").Text() != "Call data" || d.SelectElement("type").Text() != "DEFAULT" {
		t.Fatalf("the desktop's layout after the default changed: %s", e.get("1001", "/finesse/api/User/1001/MediaPropertiesLayout").body)
	}
	wantAPIError(t, e.do(http.MethodDelete, "admin", "/finesse/api/MediaPropertiesLayout/default", ""), http.StatusMethodNotAllowed, "Method Not Allowed", http.MethodDelete)
	wantAPIError(t, e.do(http.MethodPost, "admin", "/finesse/api/MediaPropertiesLayout/default", orders), http.StatusMethodNotAllowed, "Method Not Allowed", http.MethodPost)
	wantAPIError(t, e.do(http.MethodDelete, "admin", "/finesse/api/MediaPropertiesLayout/1", ""), http.StatusForbidden, "Forbidden", "1")

	wantAPIError(t, e.do(http.MethodPost, "admin", "/finesse/api/MediaPropertiesLayout", `<MediaPropertiesLayout><description>x</description></MediaPropertiesLayout>`), http.StatusBadRequest, "Parameter Missing", "name")
	wantAPIError(t, e.do(http.MethodPost, "admin", "/finesse/api/MediaPropertiesLayout",
		`<MediaPropertiesLayout><name>x</name><header><entry><displayName>x</displayName><mediaProperty>ani</mediaProperty></entry></header></MediaPropertiesLayout>`),
		http.StatusBadRequest, "Invalid Input", "MediaPropertiesLayout")
	wantAPIError(t, e.do(http.MethodPost, "admin", "/finesse/api/MediaPropertiesLayout",
		`<MediaPropertiesLayout><name>x</name><header><entry><displayName>x</displayName><mediaProperty>callVariable1</mediaProperty><showInPopOver>maybe</showInPopOver></entry></header></MediaPropertiesLayout>`),
		http.StatusBadRequest, "Bad Request", "MediaPropertiesLayout")

	wantStatus(t, e.do(http.MethodDelete, "admin", loc, ""), http.StatusOK)
	wantAPIError(t, e.get("admin", loc), http.StatusNotFound, "Not Found", "2")
	wantAPIError(t, e.put("admin", loc, orders), http.StatusNotFound, "Not Found", "2")
}
