import { createContext, useContext } from 'react';
import type { Messages } from '../i18n/index.js';
import en from '../i18n/en.js';

export const MessagesContext = createContext<Messages>(en);
export const useMessages = () => useContext(MessagesContext);
