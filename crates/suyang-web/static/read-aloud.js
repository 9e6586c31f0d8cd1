// 朗读 / Read aloud: the lesson read by the browser's own speech synthesis when it has a voice for
// the lesson's language; otherwise the lesson's recorded audio, if it has one; otherwise the
// page says that neither is available. Without JavaScript the control stays hidden.
(function () {
  'use strict';
  var box = document.getElementById('read-aloud');
  var article = document.querySelector('article.lesson');
  if (!box || !article) return;
  var button = box.querySelector('button');
  var status = box.querySelector('[role="status"]');
  var audio = article.querySelector('audio[data-read-aloud]');
  var lang = (article.getAttribute('lang') || document.documentElement.lang || '').toLowerCase();
  var synth = window.speechSynthesis;
  var speaking = false;

  function voiceFor(tag) {
    if (!synth) return null;
    var primary = tag.split('-')[0];
    var voices = synth.getVoices();
    for (var i = 0; i < voices.length; i++) {
      if (voices[i].lang.toLowerCase() === tag) return voices[i];
    }
    for (var j = 0; j < voices.length; j++) {
      if (voices[j].lang.toLowerCase().split(/[-_]/)[0] === primary) return voices[j];
    }
    return null;
  }

  function setSpeaking(on) {
    speaking = on;
    button.textContent = on ? box.dataset.stop : box.dataset.start;
    button.setAttribute('aria-pressed', on ? 'true' : 'false');
  }

  button.addEventListener('click', function () {
    status.textContent = '';
    if (speaking) {
      if (synth) synth.cancel();
      if (audio) audio.pause();
      setSpeaking(false);
      return;
    }
    var voice = voiceFor(lang);
    if (voice) {
      var utterance = new SpeechSynthesisUtterance(article.innerText);
      utterance.voice = voice;
      utterance.lang = voice.lang;
      // A little slower in elder mode.
      utterance.rate = document.documentElement.classList.contains('elder') ? 0.85 : 1;
      utterance.onend = utterance.onerror = function () { setSpeaking(false); };
      synth.cancel();
      synth.speak(utterance);
      setSpeaking(true);
    } else if (audio) {
      audio.onended = function () { setSpeaking(false); };
      audio.play();
      setSpeaking(true);
    } else {
      status.textContent = box.dataset.none;
    }
  });

  box.hidden = false;
  // Some browsers load their voices only when first asked for them.
  if (synth) synth.getVoices();
})();
