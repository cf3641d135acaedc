// Thunderbird: a ready news account for Hearth.
// Copy into your profile folder as user.js (or merge it), start
// Thunderbird, then remove it: Thunderbird keeps the settings.
// Replace the server name, your name, address and account name.
// Thunderbird asks for the password on first use (it never leaves this
// machine in clear: the connection is TLS from the start, port 563).

user_pref("mail.accountmanager.accounts", "account1,account2");
user_pref("mail.accountmanager.defaultaccount", "account2");

user_pref("mail.account.account2.identities", "id2");
user_pref("mail.account.account2.server", "server2");
user_pref("mail.identity.id2.fullName", "Your Name");
user_pref("mail.identity.id2.useremail", "you@example.org");
user_pref("mail.identity.id2.valid", true);

user_pref("mail.server.server2.type", "nntp");
user_pref("mail.server.server2.name", "Hearth");
user_pref("mail.server.server2.hostname", "news.example.org");
user_pref("mail.server.server2.port", 563);
// 3 = SSL/TLS from the start (NNTPS).
user_pref("mail.server.server2.socketType", 3);
user_pref("mail.server.server2.userName", "yourname");
// Log in at once (AUTHINFO) so members-only groups are listed.
user_pref("mail.server.server2.always_authenticate", true);
user_pref("mail.server.server2.max_articles", 500);
user_pref("mail.server.server2.notify.on", true);

// Russian: post and read UTF-8.  Hearth refuses undeclared 8-bit text
// that is not UTF-8, so an article with no charset is UTF-8.  Your name
// (fullName above) may be Cyrillic: Thunderbird sends it as RFC 2047
// words.  This file must be saved as UTF-8 if it holds Cyrillic.
user_pref("mailnews.send_default_charset", "UTF-8");
user_pref("mailnews.view_default_charset", "UTF-8");
user_pref("mailnews.reply_in_default_charset", true);
// 8bit bodies, not quoted-printable (readable by every newsreader).
user_pref("mail.strictly_mime", false);
