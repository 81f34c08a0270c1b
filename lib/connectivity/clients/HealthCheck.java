// A Java client for the connectivity test, as a partner's JVM stack would call it: the client
// key and certificate from a PKCS#12 keystore (Keyport's "PKCS#12 with my key"), the provider's
// CA from a PKCS#12 truststore (Keyport's truststore download), java.net.http with JSSE.
// Run: java HealthCheck.java URL KEYSTORE.p12 TRUSTSTORE.p12 PASSWORD  (prints the status line, then the body)
import java.io.FileInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.KeyStore;
import java.time.Duration;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

public class HealthCheck {
  public static void main(String[] args) throws Exception {
    char[] password = args[3].toCharArray();
    KeyStore keys = KeyStore.getInstance("PKCS12");
    try (FileInputStream in = new FileInputStream(args[1])) { keys.load(in, password); }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(keys, password);
    KeyStore trust = KeyStore.getInstance("PKCS12");
    try (FileInputStream in = new FileInputStream(args[2])) { trust.load(in, password); }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
    HttpClient client = HttpClient.newBuilder().sslContext(tls).connectTimeout(Duration.ofSeconds(10)).build();
    HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(args[0])).timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
    System.out.println("HTTP " + r.statusCode());
    System.out.println(r.body());
  }
}
