//! This client's peer identity: a signing key made at start, and the certificate the server
//! issues for it at every login. Connections use it to prove who we are and to check who the
//! peer is (docs/PROTOCOL.md, handshake).
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use ed25519_dalek::{SigningKey, VerifyingKey};

use crate::proto::{Certificate, Identity, PeerAuth};

pub struct PeerIdentity {
    key: SigningKey,
    /// The server key this client was configured to trust; None trusts the key its own login
    /// reports (an attacker on the client-server path could then certify itself).
    pinned: Option<[u8; 32]>,
    current: Option<(Arc<Identity>, VerifyingKey)>,
}

pub fn unix_now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

impl PeerIdentity {
    pub fn new(pinned: Option<[u8; 32]>) -> Result<Self, String> {
        let mut seed = [0u8; 32];
        getrandom::fill(&mut seed).map_err(|e| format!("no random source for the peer key: {e}"))?;
        Ok(PeerIdentity { key: SigningKey::from_bytes(&seed), pinned, current: None })
    }

    /// The server key this client pinned, if any (the login credential is sealed to it).
    pub fn pinned(&self) -> Option<[u8; 32]> {
        self.pinned
    }

    /// What the login asks the server to certify.
    pub fn public_key(&self) -> [u8; 32] {
        self.key.verifying_key().to_bytes()
    }

    /// Takes the certificate from a login answer, after checking it names us, certifies our
    /// key, and is signed by the server key we trust.
    pub fn on_login(&mut self, user_id: u64, cert: &[u8], authority: &[u8; 32]) -> Result<(), String> {
        if let Some(pinned) = self.pinned
            && pinned != *authority
        {
            return Err("the server's key is not the pinned one (OVRNET_SERVER_KEY)".into());
        }
        let authority =
            VerifyingKey::from_bytes(authority).map_err(|_| "the server's key is invalid".to_string())?;
        let cert = Certificate::from_bytes(cert).map_err(|_| "the certificate is malformed".to_string())?;
        cert.verify(&authority, user_id, unix_now())
            .map_err(|e| format!("the certificate is refused: {e:?}"))?;
        let identity = Identity::new(self.key.clone(), cert).ok_or("the certificate is for another key")?;
        self.current = Some((Arc::new(identity), authority));
        Ok(())
    }

    /// How a connection to `peer` authenticates; None before the first login.
    pub fn auth_for(&self, peer: u64) -> Option<PeerAuth> {
        let (identity, authority) = self.current.as_ref()?;
        Some(PeerAuth {
            identity: identity.clone(),
            authority: *authority,
            peer_user: peer,
            unix_now: unix_now(),
        })
    }
}
