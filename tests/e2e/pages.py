"""What several browser tests do the same way."""


def sign_in(page, url, username, password="pw-1234"):
    """Sign in through the form (tests' users have the password pw-1234)."""
    page.goto(f"{url}/auth/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_load_state()
