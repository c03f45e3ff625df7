"""The client with a platform that has users (issue 11): a refused push is a conflict the user
sees, never lost work; TLS with a custom CA, and a clear certificate error without it."""
from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import ipaddress
import ssl

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from commandcenter.domain.hooks import Hooks
from commandcenter.embedded import PlatformProcess
from commandcenter.platform.storage import PlatformStorage
from commandcenter.platform.users import Users
from commandcenter.store.conflicts import open_conflicts
from commandcenter.sync.client import PlatformClient
from commandcenter.sync.engine import SyncEngine
from tests.sync.test_engine import online_and_drained, other_store, report, wait_for  # noqa: F401 (fixture)

pytestmark = pytest.mark.platform


@contextlib.asynccontextmanager
async def engine_for(store, url, token=None, ca_file=None):
    client = PlatformClient(url, token=token, ca_file=ca_file)
    engine = SyncEngine(store, Hooks(), client)
    task = asyncio.ensure_future(engine.run())
    try:
        yield engine
    finally:
        await asyncio.wait_for(engine.stop(), 5)
        await task
        await client.aclose()


def make_user(db, name, role, dept=None) -> str:
    storage = PlatformStorage(db)
    try:
        return Users(storage).add(name, role, dept)
    finally:
        storage.close()


def test_an_observers_push_comes_back_as_a_forbidden_conflict_and_nothing_is_lost(store, tmp_path):
    db = tmp_path / "platform.db"
    token = make_user(db, "obs", "observer")
    incident_id = report(store)  # this cache's own seat lets it write; the platform does not
    with PlatformProcess(db) as proc:
        async def run():
            async with engine_for(store, proc.url, token) as engine:
                await wait_for(online_and_drained(engine), 15, "the push is answered")

        asyncio.run(run())
        headers = {"Authorization": f"Bearer {token}"}
        pulled = httpx.get(f"{proc.url}/v1/sync/pull?since=0", headers=headers).json()
        assert pulled["changes"] == []
    [conflict] = open_conflicts(store)
    assert conflict.result == "rejected" and conflict.reason.startswith("forbidden:")
    assert conflict.entity_id == incident_id
    assert store.get("incident", incident_id) is not None  # the local row stays


def _tls_files(folder):
    """A self-signed CA and a server certificate for 127.0.0.1 signed by it."""
    now = dt.datetime.now(dt.timezone.utc)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "commandcenter test CA")])
    ca = (
        x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name).public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True,
                                     content_commitment=False, key_encipherment=False, data_encipherment=False,
                                     key_agreement=False, encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]))
        .issuer_name(ca_name).public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5)).not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    paths = {name: folder / f"{name}.pem" for name in ("ca", "cert", "key")}
    paths["ca"].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    paths["cert"].write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    paths["key"].write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                               serialization.NoEncryption()))
    return paths


def test_tls_with_the_ca_file_syncs_and_without_it_fails_clearly_keeping_the_work(store, other_store, tmp_path):
    tls = _tls_files(tmp_path)
    proc = PlatformProcess(tmp_path / "platform.db", demo_user="demo",
                           extra_args=["--tls-cert", str(tls["cert"]), "--tls-key", str(tls["key"])])
    with proc:
        assert proc.url.startswith("https://127.0.0.1:")
        mine = report(other_store, "无CA的积水")

        async def without_ca():
            async with engine_for(other_store, proc.url, proc.user_token) as engine:
                await wait_for(lambda: engine.status.state == "offline" and engine.status.error, 15,
                               "the certificate is refused")
                return engine.status.error

        error = asyncio.run(without_ca())
        assert "CERTIFICATE_VERIFY_FAILED" in error or "certificate verify failed" in error
        assert other_store.pending_count() == 1 and other_store.get("incident", mine) is not None

        incident_id = report(store)

        async def with_ca():
            async with engine_for(store, proc.url, proc.user_token, ca_file=str(tls["ca"])) as engine:
                await wait_for(online_and_drained(engine), 15, "the push over TLS")

        asyncio.run(with_ca())
        pulled = httpx.get(f"{proc.url}/v1/sync/pull?since=0", verify=ssl.create_default_context(cafile=str(tls["ca"])),
                           headers={"Authorization": f"Bearer {proc.user_token}"}).json()
        assert [c["entity_id"] for c in pulled["changes"]] == [incident_id]
