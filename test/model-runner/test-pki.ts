import { generateKeyPairSync, KeyObject } from 'node:crypto';
import forge from 'node-forge';

/** Certificates for TLS tests, made on the fly: a CA and leaf certificates it signs. */
export interface IssuedCertificate {
  certPem: string;
  keyPem: string;
  /** DER SubjectPublicKeyInfo of the certificate's key. */
  publicKeyDer: Buffer;
}

export interface TestCa extends IssuedCertificate {
  issue(commonName: string, altNames: Array<{ dns?: string; ip?: string }>, usage: 'server' | 'client'): IssuedCertificate;
}

function rsaKeys(): { privateKey: KeyObject; keyPem: string; forgePrivate: forge.pki.rsa.PrivateKey; forgePublic: forge.pki.rsa.PublicKey } {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const keyPem = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
  const forgePrivate = forge.pki.privateKeyFromPem(keyPem);
  const forgePublic = forge.pki.setRsaPublicKey(forgePrivate.n, forgePrivate.e);
  return { privateKey, keyPem, forgePrivate, forgePublic };
}

function publicKeyDer(privateKey: KeyObject): Buffer {
  return Buffer.from(require('node:crypto').createPublicKey(privateKey).export({ type: 'spki', format: 'der' }));
}

let serial = 1;

export function createTestCa(name = 'Test CA'): TestCa {
  const keys = rsaKeys();
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.forgePublic;
  cert.serialNumber = String(serial++).padStart(2, '0');
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date(Date.now() + 86_400_000);
  const subject = [{ name: 'commonName', value: name }];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([{ name: 'basicConstraints', cA: true }, { name: 'keyUsage', keyCertSign: true, cRLSign: true }]);
  cert.sign(keys.forgePrivate, forge.md.sha256.create());
  const caCert = cert;
  return {
    certPem: forge.pki.certificateToPem(cert),
    keyPem: keys.keyPem,
    publicKeyDer: publicKeyDer(keys.privateKey),
    issue(commonName, altNames, usage) {
      const leafKeys = rsaKeys();
      const leaf = forge.pki.createCertificate();
      leaf.publicKey = leafKeys.forgePublic;
      leaf.serialNumber = String(serial++).padStart(2, '0');
      leaf.validity.notBefore = new Date(Date.now() - 60_000);
      leaf.validity.notAfter = new Date(Date.now() + 86_400_000);
      leaf.setSubject([{ name: 'commonName', value: commonName }]);
      leaf.setIssuer(caCert.subject.attributes);
      leaf.setExtensions([
        { name: 'basicConstraints', cA: false },
        { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
        { name: 'extKeyUsage', serverAuth: usage === 'server', clientAuth: usage === 'client' },
        { name: 'subjectAltName', altNames: altNames.map((a) => (a.dns ? { type: 2, value: a.dns } : { type: 7, ip: a.ip })) },
      ]);
      leaf.sign(keys.forgePrivate, forge.md.sha256.create());
      return { certPem: forge.pki.certificateToPem(leaf), keyPem: leafKeys.keyPem, publicKeyDer: publicKeyDer(leafKeys.privateKey) };
    },
  };
}
