#!/usr/bin/python3
"""Signs in to the staff pages with headless Chromium through the fleet's load balancer, reloads, and checks the
session survived: the test of #19's "a browser signed in through the load balancer after a reload".

    browser-signin.py URL CA_PEM EMAIL PASSWORD LB_ADDRESS

URL is the plain-HTTP address the browser is given (http://grace.fleet.test/); the name is mapped to LB_ADDRESS
inside the browser, the load balancer must send it to HTTPS, and the certificate must verify against CA_PEM, which
is put in a fresh NSS database (Chromium's trust store on Linux) under a throwaway HOME: no certificate error is
ignored. Prints one line of figures and exits 0 when every check held, 1 otherwise. Needs Debian's chromium,
chromium-driver, python3-selenium and libnss3-tools (certutil).
"""
import os
import subprocess
import sys
import tempfile
import time

from selenium import webdriver
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait


def trusting_home(ca_pem):
    """A HOME whose NSS database trusts only the fleet's CA (for issuing server certificates)."""
    home = tempfile.mkdtemp(prefix="grace-browser-")
    nssdb = os.path.join(home, ".pki", "nssdb")
    os.makedirs(nssdb)
    subprocess.run(["certutil", "-N", "-d", "sql:" + nssdb, "--empty-password"], check=True)
    subprocess.run(["certutil", "-A", "-d", "sql:" + nssdb, "-n", "grace-fleet-test-ca", "-t", "C,,", "-i", ca_pem],
                   check=True)
    return home


def browser(home, host, address):
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    # As root on this machine: no sandbox, no GPU, none of Chrome's own traffic (the closed network refuses it).
    for flag in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--user-data-dir=" + os.path.join(home, "profile"), "--window-size=1280,900",
                 "--host-resolver-rules=MAP " + host + " " + address]:
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = Service("/usr/bin/chromedriver", env=dict(os.environ, HOME=home))
    return webdriver.Chrome(service=service, options=options)


def await_heading(driver, text):
    WebDriverWait(driver, 20).until(expected_conditions.text_to_be_present_in_element((By.CSS_SELECTOR, "main h1"),
                                                                                   text))


def text_of(driver, selector):
    found = driver.find_elements(By.CSS_SELECTOR, selector)
    return found[0].text.strip() if found else "(none)"


def main():
    url, ca_pem, email, password, address = sys.argv[1:6]
    host = url.split("://", 1)[1].split("/", 1)[0].split(":")[0]
    home = trusting_home(ca_pem)
    checks = {}
    started = time.monotonic()
    driver = browser(home, host, address)
    try:
        driver.get(url)
        await_heading(driver, "Sign in")
        checks["sent_to_https"] = driver.current_url.startswith("https://" + host + "/")
        driver.find_element(By.ID, "email").send_keys(email)
        driver.find_element(By.ID, "password").send_keys(password)
        driver.find_element(By.CSS_SELECTOR, "#signin-form button[type=submit]").click()
        # Generous: the first sign-in after provisioning meets instances whose code is not compiled yet, and hashing
        # the password (PBKDF2, 600,000 iterations) on a busy 2-core machine; the test is about the session surviving.
        WebDriverWait(driver, 60).until(expected_conditions.presence_of_element_located((By.ID, "signout")))
        await_heading(driver, "Dashboard")
        driver.refresh()
        await_heading(driver, "Dashboard")
        checks["signed_in_after_reload"] = driver.find_element(By.ID, "signout").is_displayed()
        access = driver.get_cookie("grace_access")
        checks["access_cookie_secure_httponly"] = bool(access and access.get("secure") and access.get("httpOnly"))
        # A certificate error page would never have shown the sign-in form; the URL's scheme says TLS was used.
        checks["https_after_reload"] = driver.current_url.startswith("https://")
    except TimeoutException:
        checks["page_answered"] = False
        print("browser: timed out on " + driver.current_url + "; heading: " + text_of(driver, "main h1")
              + "; message: " + text_of(driver, "#message"), file=sys.stderr)
        for entry in driver.get_log("browser"):
            print("browser console: " + entry.get("message", ""), file=sys.stderr)
    finally:
        driver.quit()
    failed = [name for name, held in checks.items() if not held]
    print("url=" + url + " " + " ".join(name + "=" + ("yes" if held else "NO") for name, held in checks.items())
          + " seconds=%.1f" % (time.monotonic() - started))
    return 1 if failed or len(checks) < 4 else 0


if __name__ == "__main__":
    sys.exit(main())
