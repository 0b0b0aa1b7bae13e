// The "Why?" button beside a picture the model read (a digit of a number, a worst mistake):
// pressing it asks the "Inside the network" card to explain that picture.

/** A Why? button for the picture `title` names ("test image #3 (true 4, predicted 9)"). */
export function whyButton(title: string, onClick: () => void): HTMLButtonElement {
  const button = Object.assign(document.createElement('button'), { type: 'button', className: 'why', textContent: 'Why?' });
  button.dataset.action = 'why';
  button.setAttribute('aria-label', `Why? Explain ${title}`);
  button.addEventListener('click', onClick);
  return button;
}
