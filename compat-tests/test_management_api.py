"""The management API's vhost list and aliveness test, the same calls on both brokers."""


def test_the_default_vhost_is_listed(management):
    status, vhosts = management.call("GET", "/vhosts")
    assert status == 200 and "/" in [vhost["name"] for vhost in vhosts]
    status, vhost = management.call("GET", "/vhosts/%2F")
    assert status == 200 and (vhost["name"], vhost["description"], vhost["tracing"]) == ("/", "Default virtual host", False)
    assert management.call("GET", "/vhosts/no-such-vhost") == (404, {"error": "Object Not Found", "reason": "Not Found"})


def test_the_aliveness_test_publishes_and_gets_a_message(management):
    assert management.call("GET", "/aliveness-test/%2F") == (200, {"status": "ok"})
    assert management.call("GET", "/aliveness-test/no-such-vhost")[0] == 404


def test_wrong_credentials_are_401(management):
    from conftest import ManagementAPI
    wrong = ManagementAPI(management.base.split(":")[-1].split("/")[0], user="guest", password="wrong")
    assert wrong.call("GET", "/vhosts") == (401, {"error": "not_authorized", "reason": "Login failed"})
