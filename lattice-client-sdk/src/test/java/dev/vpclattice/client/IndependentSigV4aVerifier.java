package dev.vpclattice.client;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.jce.ECNamedCurveTable;
import org.bouncycastle.jce.spec.ECNamedCurveParameterSpec;

/**
 * Verifies a SigV4A (ECDSA P-256) signature from the bytes a server received, written from the SigV4A specification
 * and sharing no code with the client's signer (the SDK with the AWS CRT): derives the caller's key pair from the
 * secret key with the spec's HMAC-SHA256 counter-mode KDF, rebuilds the canonical request with
 * {@link IndependentSigV4Verifier#canonicalRequest}, and checks the ECDSA signature with the JDK.
 */
final class IndependentSigV4aVerifier {
    private static final String ALGORITHM = "AWS4-ECDSA-P256-SHA256";
    private static final Pattern AUTHORIZATION = Pattern.compile(ALGORITHM
            + " Credential=([^/]+)/(\\d{8})/([^/]+)/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]+)");

    /** The parsed Authorization header and whether the ECDSA signature verified. */
    record Result(String accessKeyId, String service, List<String> signedHeaders, boolean valid) {}

    private IndependentSigV4aVerifier() {}

    static Result verify(TestHttpsServer.Received request, String accessKeyId, String secretKey) {
        Matcher m = AUTHORIZATION.matcher(request.header("authorization"));
        if (!m.matches()) {
            throw new AssertionError("Not a SigV4A Authorization header: "
                    + request.header("authorization").replaceAll("Signature=.*", ""));
        }
        List<String> signedHeaders = Arrays.asList(m.group(4).split(";"));
        String scope = m.group(2) + "/" + m.group(3) + "/aws4_request";
        String canonical = IndependentSigV4Verifier.canonicalRequest(request, signedHeaders, true);
        String stringToSign = ALGORITHM + "\n" + request.header("x-amz-date") + "\n" + scope + "\n"
                + HexFormat.of().formatHex(sha256(canonical.getBytes(StandardCharsets.UTF_8)));
        try {
            Signature ecdsa = Signature.getInstance("SHA256withECDSA");
            ecdsa.initVerify(publicKey(accessKeyId, secretKey));
            ecdsa.update(stringToSign.getBytes(StandardCharsets.UTF_8));
            boolean valid = ecdsa.verify(HexFormat.of().parseHex(m.group(5)));
            return new Result(m.group(1), m.group(3), signedHeaders, valid);
        } catch (GeneralSecurityException e) {
            throw new AssertionError("ECDSA verification failed to run", e);
        }
    }

    /** The SigV4A key derivation: NIST SP 800-108 counter mode, HMAC-SHA256, one 256-bit block per try. */
    static PublicKey publicKey(String accessKeyId, String secretKey) throws GeneralSecurityException {
        ECNamedCurveParameterSpec curve = ECNamedCurveTable.getParameterSpec("secp256r1");
        BigInteger nMinus2 = curve.getN().subtract(BigInteger.TWO);
        byte[] inputKey = ("AWS4A" + secretKey).getBytes(StandardCharsets.UTF_8);
        byte[] label = ALGORITHM.getBytes(StandardCharsets.UTF_8);
        byte[] context = accessKeyId.getBytes(StandardCharsets.UTF_8);
        for (int counter = 1; counter <= 254; counter++) {
            ByteBuffer fixedInput = ByteBuffer.allocate(4 + label.length + 1 + context.length + 1 + 4);
            fixedInput
                    .putInt(1)
                    .put(label)
                    .put((byte) 0)
                    .put(context)
                    .put((byte) counter)
                    .putInt(256);
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(inputKey, "HmacSHA256"));
            BigInteger c = new BigInteger(1, mac.doFinal(fixedInput.array()));
            if (c.compareTo(nMinus2) <= 0) {
                BigInteger d = c.add(BigInteger.ONE);
                org.bouncycastle.math.ec.ECPoint q = curve.getG().multiply(d).normalize();
                AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
                parameters.init(new ECGenParameterSpec("secp256r1"));
                ECParameterSpec spec = parameters.getParameterSpec(ECParameterSpec.class);
                ECPoint w = new ECPoint(
                        q.getAffineXCoord().toBigInteger(), q.getAffineYCoord().toBigInteger());
                return KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(w, spec));
            }
        }
        throw new AssertionError("No SigV4A key for " + accessKeyId + " within 254 tries");
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }
}
