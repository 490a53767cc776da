// The new-order beep, made with WebAudio (no audio file). Browsers start an
// AudioContext suspended until the page gets a user gesture, so the beeper resumes it
// on the first click or key press and reports whether it can play; the page shows an
// "enable sound" button meanwhile.

const STORAGE_KEY = 'rkgate.console.sound';

export class Beeper {
  constructor(onChange) {
    this.onChange = onChange;
    this.enabled = localStorage.getItem(STORAGE_KEY) !== 'off';
    this.context = null;
    this.played = 0;
    const unlock = () => this.unlock();
    document.addEventListener('pointerdown', unlock, { capture: true });
    document.addEventListener('keydown', unlock, { capture: true });
  }

  /// True when a beep would be heard now.
  get ready() {
    return this.context !== null && this.context.state === 'running';
  }

  /// Creates or resumes the audio context; only succeeds inside a user gesture.
  async unlock() {
    const Context = window.AudioContext ?? window.webkitAudioContext;
    if (!Context) return;
    if (!this.context) {
      this.context = new Context();
      this.context.addEventListener('statechange', () => this.onChange());
    }
    if (this.context.state === 'suspended') {
      try {
        await this.context.resume();
      } catch {
        // Still not allowed: the button keeps offering to enable sound.
      }
    }
    this.onChange();
  }

  toggle() {
    this.enabled = !this.enabled;
    localStorage.setItem(STORAGE_KEY, this.enabled ? 'on' : 'off');
    this.onChange();
  }

  /// Two short tones; does nothing when muted or not yet allowed.
  beep() {
    if (!this.enabled || !this.ready) return false;
    const now = this.context.currentTime;
    [[880, 0], [660, 0.18]].forEach(([freq, offset]) => {
      const osc = this.context.createOscillator();
      const gain = this.context.createGain();
      osc.type = 'sine';
      osc.frequency.value = freq;
      gain.gain.setValueAtTime(0.0001, now + offset);
      gain.gain.exponentialRampToValueAtTime(0.25, now + offset + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, now + offset + 0.16);
      osc.connect(gain).connect(this.context.destination);
      osc.start(now + offset);
      osc.stop(now + offset + 0.17);
    });
    this.played += 1;
    return true;
  }
}
