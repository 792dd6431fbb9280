package org.metricspipeline.adapters.http.internal;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyType;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.RSAKey;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The verification keys of a {@code JwtAuth}, gathered from its sources as JWKs: an HMAC secret,
 * PEM public keys or certificates, JWKS files. Private parts of asymmetric keys are dropped.
 */
public final class JwtKeys {

  /** The shortest HMAC secret, in bytes. */
  public static final int MIN_HMAC_BYTES = 32;
  /** The smallest RSA modulus accepted, in bits. */
  public static final int MIN_RSA_BITS = 2048;

  private final List<JWK> keys = new ArrayList<>();
  private final List<String> sources = new ArrayList<>();

  /** Adds a shared secret for HS256/384/512. */
  public void addHmacSecret(String secret) {
    byte[] bytes = secret.getBytes(StandardCharsets.UTF_8);
    if (bytes.length < MIN_HMAC_BYTES) {
      throw new IllegalArgumentException("hmacSecret must have at least " + MIN_HMAC_BYTES
          + " bytes (HS256 needs a 256-bit key), got " + bytes.length);
    }
    keys.add(new OctetSequenceKey.Builder(bytes).keyUse(KeyUse.SIGNATURE).build());
    sources.add("hmac");
  }

  /** Adds the public key of a PEM {@code PUBLIC KEY} or {@code CERTIFICATE}. */
  public void addPem(String option, String pem) {
    PublicKey key;
    try {
      if (pem.contains("-----BEGIN CERTIFICATE-----")) {
        key = CertificateFactory.getInstance("X.509")
            .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII))).getPublicKey();
      } else if (pem.contains("-----BEGIN PUBLIC KEY-----")) {
        String base64 = pem.substring(pem.indexOf("-----BEGIN PUBLIC KEY-----") + 26);
        int end = base64.indexOf("-----END PUBLIC KEY-----");
        if (end < 0) {
          throw new IllegalArgumentException(option + " has no -----END PUBLIC KEY----- line");
        }
        byte[] der = Base64.getMimeDecoder().decode(base64.substring(0, end));
        key = publicKey(option, der);
      } else {
        throw new IllegalArgumentException(option + " must hold a PEM '-----BEGIN PUBLIC KEY-----' (an RSA or EC"
            + " public key) or '-----BEGIN CERTIFICATE-----'");
      }
    } catch (java.security.GeneralSecurityException | RuntimeException e) {
      if (e instanceof IllegalArgumentException iae && String.valueOf(iae.getMessage()).startsWith(option)) {
        throw iae;
      }
      throw new IllegalArgumentException(option + " cannot be read as a public key: " + e.getMessage(), e);
    }
    keys.add(toJwk(option, key));
    sources.add(key.getAlgorithm().toLowerCase(java.util.Locale.ROOT) + "-pem");
  }

  /** Adds every signing key of a JWKS document. */
  public void addJwks(String option, String json) {
    JWKSet set;
    try {
      set = JWKSet.parse(json);
    } catch (java.text.ParseException e) {
      throw new IllegalArgumentException(option + " is not a JWKS document ({\"keys\": [...]}): " + e.getMessage(), e);
    }
    int added = 0;
    for (JWK jwk : set.getKeys()) {
      if (jwk.getKeyUse() != null && !KeyUse.SIGNATURE.equals(jwk.getKeyUse())) {
        continue;
      }
      if (jwk.getKeyType() == KeyType.RSA) {
        checkRsa(option, jwk.size());
      } else if (jwk.getKeyType() == KeyType.OCT && jwk.toOctetSequenceKey().toByteArray().length < MIN_HMAC_BYTES) {
        throw new IllegalArgumentException(option + ": key " + jwk.getKeyID() + " is shorter than "
            + MIN_HMAC_BYTES + " bytes");
      } else if (jwk.getKeyType() != KeyType.EC && jwk.getKeyType() != KeyType.OCT && jwk.getKeyType() != KeyType.RSA) {
        continue; // OKP (EdDSA) and others are not accepted here
      }
      keys.add(jwk.getKeyType() == KeyType.OCT ? jwk : jwk.toPublicJWK());
      added++;
    }
    if (added == 0) {
      throw new IllegalArgumentException(option + " has no RSA, EC or HMAC signing key");
    }
    sources.add("jwks(" + added + ")");
  }

  /** The text of a key file, failing with the option's name. */
  public static String read(String option, Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException(option + " " + file + " cannot be read: " + e, e);
    }
  }

  /** Whether no key was added. */
  public boolean isEmpty() {
    return keys.isEmpty();
  }

  /** The keys, public parts only for RSA and EC. */
  public List<JWK> keys() {
    return List.copyOf(keys);
  }

  /** The sources, for {@code toString}: kinds only, never key material. */
  public String describe() {
    return sources.toString();
  }

  private static PublicKey publicKey(String option, byte[] der) throws java.security.GeneralSecurityException {
    X509EncodedKeySpec spec = new X509EncodedKeySpec(der);
    try {
      return KeyFactory.getInstance("RSA").generatePublic(spec);
    } catch (java.security.spec.InvalidKeySpecException notRsa) {
      try {
        return KeyFactory.getInstance("EC").generatePublic(spec);
      } catch (java.security.spec.InvalidKeySpecException notEc) {
        throw new IllegalArgumentException(option + " holds neither an RSA nor an EC public key");
      }
    }
  }

  private static JWK toJwk(String option, PublicKey key) {
    if (key instanceof RSAPublicKey rsa) {
      checkRsa(option, rsa.getModulus().bitLength());
      return new RSAKey.Builder(rsa).keyUse(KeyUse.SIGNATURE).build();
    }
    if (key instanceof ECPublicKey ec) {
      Curve curve = Curve.forECParameterSpec(ec.getParams());
      if (curve == null || !(curve.equals(Curve.P_256) || curve.equals(Curve.P_384) || curve.equals(Curve.P_521))) {
        throw new IllegalArgumentException(option + " has an EC key on a curve other than P-256, P-384 or P-521");
      }
      return new ECKey.Builder(curve, ec).keyUse(KeyUse.SIGNATURE).build();
    }
    throw new IllegalArgumentException(option + " must be an RSA or EC key, got " + key.getAlgorithm());
  }

  private static void checkRsa(String option, int bits) {
    if (bits < MIN_RSA_BITS) {
      throw new IllegalArgumentException(option + " has a " + bits + "-bit RSA key; at least " + MIN_RSA_BITS
          + " bits are required");
    }
  }
}
