-- Prosody for the fan-out comparison (bench/compare/run.sh): loopback only,
-- c2s on 25222, BOSH and WebSocket on http 25280 (off the
-- ports finessed uses by default), a pubsub component.
-- run.sh replaces @DIR@ with its scratch directory.
pidfile = "@DIR@/prosody/prosody.pid"
data_path = "@DIR@/prosody/data"
network_backend = "epoll"
interfaces = { "127.0.0.1" }
local_interfaces = { "127.0.0.1" }
c2s_ports = { 25222 }
c2s_direct_tls_ports = {}
s2s_ports = {}
http_interfaces = { "127.0.0.1" }
http_ports = { 25280 }
https_ports = {}
admins = {}
modules_enabled = {
	"roster"; "saslauth"; "tls"; "disco"; "ping"; "presence"; "message"; "iq";
	"bosh";        -- http://127.0.0.1:25280/http-bind
	"websocket";   -- ws://127.0.0.1:25280/xmpp-websocket
	"admin_shell"; -- prosodyctl shell, for creating the users
}
modules_disabled = { "s2s"; "offline"; "dialback" }
-- Cleartext on loopback: the benchmark measures fan-out, not TLS.
c2s_require_encryption = false
s2s_require_encryption = false
allow_unencrypted_plain_auth = true
consider_bosh_secure = true
consider_websocket_secure = true
bosh_max_inactivity = 60
authentication = "internal_hashed"
storage = "internal"
log = { warn = "@DIR@/prosody/prosody.log"; error = "@DIR@/prosody/prosody.err" }
certificates = "@DIR@/prosody/certs"

VirtualHost "localhost"

Component "pubsub.localhost" "pubsub"
	-- Only component admins may create nodes and publish; "publisher"
	-- plays the Finesse webapp. Everybody else may subscribe.
	admins = { "publisher@localhost" }
	autocreate_on_publish = true
	autocreate_on_subscribe = false
