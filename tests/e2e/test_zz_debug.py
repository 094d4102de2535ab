from tests.e2e.test_checkin_scanner import *  # noqa

def test_debug(phone, event, holder, tmp_path):
    open_scanner(phone, event)
    choose_gate(phone)
    phone.wait_for_timeout(3000)
    print(phone.evaluate("""() => { const v = document.getElementById('video'); const c = document.getElementById('frame');
      return {rs: v.readyState, w: v.videoWidth, h: v.videoHeight, cw: c.width, ch: c.height, jsqr: typeof window.jsQR, hint: document.getElementById('camera-hint').textContent}; }"""))
    phone.screenshot(path="/tmp/ck/shot.png")
    data = phone.evaluate("""() => { const c = document.getElementById('frame'); return c.toDataURL('image/png'); }""")
    import base64
    open("/tmp/ck/frame.png","wb").write(base64.b64decode(data.split(",")[1]))
    import shutil; shutil.copy(tmp_path / "badge.png", "/tmp/ck/badge.png")
