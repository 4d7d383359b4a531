package org.grace.webapp.delivery;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.Properties;

/**
 * E-mail over SMTP with Jakarta Mail (the implementation is Payara's; the WAR carries only the API it compiles
 * against). One connection per message: alerts are rare, and a connection that broke between two of them must not
 * fail the next. Every network step has {@link MailSettings#timeout()}, so a dead server fails the attempt and the
 * job retries, instead of holding a worker thread.
 */
@ApplicationScoped
public class EmailNotifier implements Notifier {
    public static final String CHANNEL = "email";

    @Inject
    MailSettings settings;

    private Session session;

    @Override
    public String channel() {
        return CHANNEL;
    }

    @Override
    public boolean isEnabled() {
        return settings.host().isPresent();
    }

    @Override
    public String addressOf(String email) {
        return email;
    }

    @Override
    public void send(OutboundMessage message) throws Exception {
        MimeMessage mail = new MimeMessage(session());
        mail.setFrom(new InternetAddress(settings.from()));
        mail.setRecipients(Message.RecipientType.TO, InternetAddress.parse(message.address(), true));
        mail.setSubject(message.subject(), StandardCharsets.UTF_8.name());
        mail.setText(message.body(), StandardCharsets.UTF_8.name());
        mail.setSentDate(new Date());
        // The stored message's id: a resend after a crash is recognisable as the same message.
        mail.setHeader("X-Grace-Message", Long.toString(message.id()));
        mail.saveChanges();
        try (Transport transport = session().getTransport(protocol())) {
            if (settings.user().isPresent()) {
                transport.connect(settings.user().get(), settings.password().orElse(""));
            } else {
                transport.connect();
            }
            transport.sendMessage(mail, mail.getAllRecipients());
        }
    }

    private String protocol() {
        return settings.tls() == MailSettings.Tls.SSL ? "smtps" : "smtp";
    }

    private synchronized Session session() {
        if (session == null) {
            String timeout = Long.toString(settings.timeout().toMillis());
            Properties p = new Properties();
            String protocol = protocol();
            p.put("mail.transport.protocol", protocol);
            p.put("mail." + protocol + ".host", settings.host().orElseThrow());
            p.put("mail." + protocol + ".port", Integer.toString(settings.port()));
            p.put("mail." + protocol + ".connectiontimeout", timeout);
            p.put("mail." + protocol + ".timeout", timeout);
            p.put("mail." + protocol + ".writetimeout", timeout);
            p.put("mail." + protocol + ".auth", Boolean.toString(settings.user().isPresent()));
            if (settings.tls() == MailSettings.Tls.STARTTLS) {
                p.put("mail.smtp.starttls.enable", "true");
                p.put("mail.smtp.starttls.required", "true");
            }
            if (settings.tls() != MailSettings.Tls.NONE) {
                p.put("mail." + protocol + ".ssl.checkserveridentity", "true");
            }
            session = Session.getInstance(p);
        }
        return session;
    }
}
